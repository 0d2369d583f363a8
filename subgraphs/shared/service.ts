// Builds one subgraph service: the kind's SDL contract + its resolvers, an Apollo Server that masks
// unexpected errors, a database opened (and migrated) for this partner, and a per-request context.
// server.ts files call buildService(); index.ts files only read config and listen.
import { ApolloServer } from "@apollo/server";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
} from "@apollo/server/plugin/disabled";
import { buildSubgraphSchema } from "@apollo/subgraph";
import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper/resolverMap.js";
import type { GraphQLResolveInfo, GraphQLScalarType } from "graphql";
import type { Logger } from "pino";
import type { SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { contractDocument } from "../../schema/contracts.ts";
import type { Kind } from "../../schema/kinds.ts";
import type { Partner, Registry } from "../../lib/registry/registry.ts";
import type { SchemaChecker } from "../../lib/contract/checker.ts";
import { ErrorCode, maskError } from "../../lib/errors.ts";
import {
  markSignedForward,
  partnerLimitSettings,
  partnerServerOptions,
  type PartnerLimitSettings,
} from "../../lib/limits/partner.ts";
import { MemoryRateLimiter } from "../../lib/rate-limit/memory.ts";
import type { Config } from "../../lib/config.ts";
import { openDatabase, type OpenedDatabase, type Store } from "../../lib/db/open.ts";
import { clientAddress, listen, type RouteHandler, type RunningServer } from "../../lib/http-server.ts";
import type { IncomingMessage } from "node:http";
import { Admission } from "../../lib/admission.ts";
import type { PartnerAuth } from "../../lib/auth/setup.ts";
import { callerOf, UNSIGNED_ANONYMOUS, type Caller } from "./caller.ts";
import { CALLER, catalogueScopePlugin } from "./catalogue-scope-plugin.ts";

/**
 * A resolver map whose resolvers take the context Ctx: each kind's generated `Resolvers`
 * (subgraphs/<kind>/generated/graphql.ts, whose contextType is the kind's context) is one. Field
 * resolvers take (parent, args, context, info); reference and type resolvers (parent, context, info).
 */
export type ResolverMap<Ctx> = {
  [typeName: string]:
    | GraphQLScalarType
    | {
        [fieldName: string]:
          | ((parent: never, args: never, context: Ctx, info: GraphQLResolveInfo) => unknown)
          | ((parent: never, context: Ctx, info: GraphQLResolveInfo) => unknown)
          | { resolve?: (parent: never, args: never, context: Ctx, info: GraphQLResolveInfo) => unknown }
          | undefined;
      }
    | undefined;
};

export interface ServiceDefinition<C extends { $disconnect(): Promise<void> }, Ctx extends object> {
  kind: Kind;
  /** This kind's committed migrations (its prisma/paths.ts), applied when the database opens. */
  migrations: string;
  makeClient: (options: { adapter: SqlDriverAdapterFactory }) => C;
  /** Resolver map keyed by type then field; resolvers stay thin and call the data modules. */
  resolvers: ResolverMap<Ctx>;
  /** A fresh context per request: loaders must never be shared between requests. */
  context: (db: OpenedDatabase<C>, partner: Partner, options: ServiceOptions, caller: Caller) => Ctx;
  /** Extra HTTP routes, given the background handle (the catalogue's POST /admin/harvest). */
  routes?: (db: OpenedDatabase<C>, handle: unknown, options: ServiceOptions) => Record<string, RouteHandler>;
  /** Background work (the catalogue's harvester): how to stop it, and a handle tests and tools may use. */
  background?: (db: OpenedDatabase<C>, options: ServiceOptions) => Promise<{ stop(): Promise<void>; handle: unknown }>;
  /** Fills an empty database with the partner's demo data; returns how many items it wrote. */
  seed?: (db: OpenedDatabase<C>, partner: Partner) => Promise<number>;
}

/**
 * A kind's service from its Prisma paths and client class: the migrations and the client factory are
 * wired the same way for every kind, which declares only its resolvers, context and extras.
 */
export function defineService<C extends { $disconnect(): Promise<void> }, Ctx extends object>(
  kind: Kind,
  prisma: { migrations: string },
  Client: new (options: { adapter: SqlDriverAdapterFactory }) => C,
  parts: Omit<ServiceDefinition<C, Ctx>, "kind" | "migrations" | "makeClient">,
): ServiceDefinition<C, Ctx> {
  return { kind, migrations: prisma.migrations, makeClient: (options) => new Client(options), ...parts };
}

export interface ServiceOptions {
  partner: Partner;
  store: Store;
  logger: Logger;
  seed: boolean;
  /** The partner registry, read on every use so that edits apply without a restart. */
  registry: () => Registry;
  /** Deadline for calls to other partners (the catalogue's harvest). */
  partnerTimeoutMs: number;
  harvestIntervalMs: number;
  /** How often the catalogue reconciles its index with each partner's version listing (0 or none: never). */
  reconcileIntervalMs?: number;
  /** Whether the catalogue harvests at once on start (default) or first after harvestIntervalMs. */
  harvestAtStart?: boolean;
  /** Schema checks of other partners (the catalogue harvests only partners that pass). */
  checker?: SchemaChecker;
  /**
   * How callers are identified (lib/auth/setup.ts). Without it every request is an unsigned
   * anonymous read: nothing can be written, drafts stay hidden.
   */
  auth?: PartnerAuth;
  /**
   * The partner's limits (lib/config.ts "Partner limits"; main.ts passes the config). Absent: the
   * documented defaults.
   */
  limits?: Partial<Config>;
}

export interface BuiltService<C, Ctx extends object = object> {
  apollo: ApolloServer<Ctx>;
  db: OpenedDatabase<C>;
  partner: Partner;
  /** The context of one request by this caller (tests and benches call it in-process). */
  context: (caller?: Caller) => Ctx;
  /** What the definition's background work exposes (the catalogue's harvester), if any. */
  background: unknown;
  routes: Record<string, RouteHandler>;
  auth?: PartnerAuth;
  limits: PartnerLimitSettings;
  logger: Logger;
  /** Stops background work and closes the database. */
  shutdown(): Promise<void>;
}

/**
 * A running service of any kind, for code that holds several (the test system, the bench): what is
 * typed by the kind's context (its Apollo server) is left out, the context is just an object.
 */
export type AnyRunningService = RunningServer &
  Omit<BuiltService<unknown>, "apollo" | "context"> & { context: (caller?: Caller) => object };

export async function buildService<C extends { $disconnect(): Promise<void> }, Ctx extends object>(
  def: ServiceDefinition<C, Ctx>,
  options: ServiceOptions,
): Promise<BuiltService<C, Ctx>> {
  const { partner, logger } = options;
  if (partner.kind !== def.kind) throw new Error(`partner ${partner.id} is a ${partner.kind} partner, not ${def.kind}`);
  const db = await openDatabase(options.store, def.migrations, def.makeClient);
  if (options.seed && def.seed) {
    const written = await def.seed(db, partner);
    if (written > 0) logger.info({ items: written }, "seeded");
  }
  const contract = contractDocument(def.kind);
  // Apollo's resolver map types every context as `unknown`: the resolvers were checked against Ctx
  // (ResolverMap<Ctx>), and Apollo calls them with def.context's value, which is a Ctx.
  const schema = buildSubgraphSchema({ typeDefs: contract, resolvers: def.resolvers as GraphQLResolverMap<unknown> });
  const limits = partnerLimitSettings(options.limits);
  // Depth, aliases, tokens, `_entities` and cost (the contract's @cost/@listSize), signed or not; masked errors.
  const partnerOptions = partnerServerOptions<Ctx>(contract, limits, maskError);
  const apollo = new ApolloServer<Ctx>({
    schema,
    ...partnerOptions,
    introspection: true,
    // Signals are the process's (lib/shutdown.ts: drain HTTP, then stop Apollo). Apollo's own handler
    // (on outside NODE_ENV=test) would stop it under in-flight requests and re-raise the signal.
    stopOnTerminationSignals: false,
    plugins: [
      ...partnerOptions.plugins,
      // Federated traces are for Apollo's hosted reporting, which this deployment does not use.
      ApolloServerPluginInlineTraceDisabled(),
      // Cache hints are computed per field: 40% of a measure-analysis request's time (hundreds of
      // thousands of per-point fields), for hints nobody reads (the gateway caches by its own rules).
      ApolloServerPluginCacheControlDisabled(),
      // The national catalogue's signature is good for its feeds and schema checks only.
      catalogueScopePlugin<Ctx>(),
      {
        async requestDidStart() {
          return {
            async didEncounterErrors({ errors }) {
              for (const e of errors) {
                const code = e.extensions?.code;
                if (!code || code === ErrorCode.INTERNAL_SERVER_ERROR)
                  logger.error({ err: e.originalError ?? e, path: e.path }, "resolver failed");
              }
            },
          };
        },
      },
    ],
  });
  await apollo.start();
  const background = def.background ? await def.background(db, options) : { stop: async () => {}, handle: undefined };
  return {
    apollo,
    db,
    partner,
    background: background.handle,
    routes: def.routes?.(db, background.handle, options) ?? {},
    auth: options.auth,
    limits,
    logger,
    context: (caller = UNSIGNED_ANONYMOUS) => {
      const context = def.context(db, partner, options, caller);
      // The catalogue-scope plugin reads who signed (subgraphs/shared/catalogue-scope-plugin.ts).
      Object.defineProperty(context, CALLER, { value: caller, enumerable: true });
      // A signed forward (the gateway's) gets the partner's own cost limit, not an unsigned caller's.
      // The catalogue's own calls (feed pages, listings) get theirs (CATALOGUE_MAX_QUERY_COST).
      return caller.signed ? markSignedForward(context, caller.by) : context;
    },
    shutdown: async () => {
      await background.stop();
      await apollo.stop();
      await db.close();
    },
  };
}

export async function startService<C extends { $disconnect(): Promise<void> }, Ctx extends object>(
  built: BuiltService<C, Ctx>,
  options: {
    port: number;
    host: string;
    maxBodyBytes: number;
    shutdownGraceMs?: number;
    /** Requests in flight at once (SUBGRAPH_MAX_INFLIGHT_REQUESTS); absent: no bound (in-process tests). */
    maxInflightRequests?: number;
  },
): Promise<RunningServer & BuiltService<C, Ctx>> {
  const { maxInflightRequests, ...http } = options;
  // The rate limit and the context both need the caller: a forward is verified once per request.
  const callers = new WeakMap<IncomingMessage, Promise<Caller>>();
  const callerOfRequest = (req: IncomingMessage): Promise<Caller> => {
    let caller = callers.get(req);
    if (!caller) {
      caller = callerOf(req, built.auth);
      callers.set(req, caller);
    }
    return caller;
  };
  // Unsigned callers (read-only mode) are counted per address; the gateway's signed forwards are
  // counted per client at the gateway. In memory: one partner process, one budget.
  const limiter =
    built.limits.PARTNER_RATE_LIMIT_REQUESTS > 0
      ? new MemoryRateLimiter(built.limits.PARTNER_RATE_LIMIT_REQUESTS, built.limits.PARTNER_RATE_LIMIT_WINDOW_MS)
      : undefined;
  // A partner holds no partner answers of its own: only the request bound applies.
  const admission = maxInflightRequests
    ? new Admission({ maxInflightRequests, maxInflightBytes: 0, maxResponseBytes: 0 })
    : undefined;
  const running = await listen(built.apollo, {
    ...http,
    limiter,
    admission,
    onDrained: ({ ms, cut }) =>
      cut
        ? built.logger.warn({ ms, cut }, "stopped: requests cut at the drain deadline")
        : built.logger.info({ ms }, "drained"),
    keyOf: async (req) =>
      (await callerOfRequest(req).catch(() => undefined))?.signed ? undefined : `addr:${clientAddress(req)}`,
    context: async ({ req }) => built.context(await callerOfRequest(req)),
    health: () => ({
      partner: built.partner.id,
      kind: built.partner.kind,
      store: built.db.store,
      fsync: built.db.fsync,
    }),
    routes: built.routes,
  });
  return {
    ...built,
    ...running,
    close: async () => {
      await running.close();
      await limiter?.close();
      await built.shutdown();
    },
  };
}

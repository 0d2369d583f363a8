// Builds one subgraph service: the kind's SDL contract + its resolvers, an Apollo Server that masks
// unexpected errors, a database opened (and migrated) for this partner, and a per-request context.
// server.ts files call buildService(); index.ts files only read config and listen.
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import { buildSubgraphSchema } from "@apollo/subgraph";
import type { Logger } from "pino";
import { contractDocument } from "../../schema/contracts.ts";
import type { Kind } from "../../schema/kinds.ts";
import type { Partner, Registry } from "../../schema/registry.ts";
import type { SchemaChecker } from "../../lib/schema-checker.ts";
import { maskError } from "../../lib/errors.ts";
import { subgraphServerOptions } from "../../gateway/edge/index.ts";
import { openDatabase, type OpenedDatabase, type Store } from "../../lib/db/open.ts";
import { kindPaths } from "../../lib/db/kind-paths.ts";
import { listen, type RouteHandler, type RunningServer } from "../../lib/http-server.ts";
import type { PartnerAuth } from "../../lib/auth/setup.ts";
import { callerOf, UNSIGNED_ANONYMOUS, type Caller } from "./caller.ts";

export interface ServiceDefinition<C extends { $disconnect(): Promise<void> }, Ctx> {
  kind: Kind;
  makeClient: (options: { adapter: never }) => C;
  /** Resolver map keyed by type then field; resolvers stay thin and call the data modules. */
  resolvers: Record<string, Record<string, unknown>>;
  /** A fresh context per request: loaders must never be shared between requests. */
  context: (db: OpenedDatabase<C>, partner: Partner, options: ServiceOptions, caller: Caller) => Ctx;
  /** Extra HTTP routes, given the background handle (the catalogue's POST /admin/harvest). */
  routes?: (db: OpenedDatabase<C>, handle: unknown) => Record<string, RouteHandler>;
  /** Background work (the catalogue's harvester): how to stop it, and a handle tests and tools may use. */
  background?: (db: OpenedDatabase<C>, options: ServiceOptions) => Promise<{ stop(): Promise<void>; handle: unknown }>;
  /** Fills an empty database with the partner's demo data; returns how many items it wrote. */
  seed?: (db: OpenedDatabase<C>, partner: Partner) => Promise<number>;
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
}

export interface BuiltService<C> {
  apollo: ApolloServer<any>;
  db: OpenedDatabase<C>;
  partner: Partner;
  /** The context of one request by this caller (tests and benches call it in-process). */
  context: (caller?: Caller) => unknown;
  /** What the definition's background work exposes (the catalogue's harvester), if any. */
  background: unknown;
  routes: Record<string, RouteHandler>;
  auth?: PartnerAuth;
  /** Stops background work and closes the database. */
  shutdown(): Promise<void>;
}

export async function buildService<C extends { $disconnect(): Promise<void> }, Ctx extends object>(
  def: ServiceDefinition<C, Ctx>,
  options: ServiceOptions,
): Promise<BuiltService<C>> {
  const { partner, logger } = options;
  if (partner.kind !== def.kind) throw new Error(`partner ${partner.id} is a ${partner.kind} partner, not ${def.kind}`);
  const db = await openDatabase(options.store, kindPaths(def.kind).migrations, def.makeClient);
  if (options.seed && def.seed) {
    const written = await def.seed(db, partner);
    if (written > 0) logger.info({ items: written }, "seeded");
  }
  const schema = buildSubgraphSchema({ typeDefs: contractDocument(def.kind), resolvers: def.resolvers as never });
  const apollo = new ApolloServer<Ctx>({
    schema,
    // Cheap limits (depth, aliases, tokens) loose enough for the gateway's own queries; masked errors.
    ...subgraphServerOptions<Ctx>(maskError),
    introspection: true,
    plugins: [
      // Federated traces are for Apollo's hosted reporting, which this deployment does not use.
      ApolloServerPluginInlineTraceDisabled(),
      // Cache hints are computed per field: 40% of a measure-analysis request's time (hundreds of
      // thousands of per-point fields), for hints nobody reads (the gateway caches by its own rules).
      ApolloServerPluginCacheControlDisabled(),
      {
        async requestDidStart() {
          return {
            async didEncounterErrors({ errors }) {
              for (const e of errors) {
                const code = e.extensions?.code;
                if (!code || code === "INTERNAL_SERVER_ERROR") logger.error({ err: e.originalError ?? e, path: e.path }, "resolver failed");
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
    routes: def.routes?.(db, background.handle) ?? {},
    auth: options.auth,
    context: (caller = UNSIGNED_ANONYMOUS) => def.context(db, partner, options, caller),
    shutdown: async () => {
      await background.stop();
      await apollo.stop();
      await db.close();
    },
  };
}

export async function startService<C extends { $disconnect(): Promise<void> }>(
  built: BuiltService<C>,
  options: { port: number; host: string; maxBodyBytes: number },
): Promise<RunningServer & BuiltService<C>> {
  const running = await listen(built.apollo, {
    ...options,
    context: async ({ req }) => built.context(await callerOf(req, built.auth)) as never,
    health: () => ({ partner: built.partner.id, kind: built.partner.kind, store: built.db.store }),
    routes: built.routes,
  });
  return {
    ...built,
    ...running,
    close: async () => {
      await running.close();
      await built.shutdown();
    },
  };
}

// Builds the gateway: the committed supergraph (schema/supergraph.graphql), a transport per kind
// (owner routing for partner kinds, the catalogue's service for the catalogue) and Apollo's
// planner. index.ts only reads config and listens; tests build it in-process on port 0.
import { readFileSync } from "node:fs";
import { ApolloGateway } from "@apollo/gateway";
import { ApolloServer, HeaderMap } from "@apollo/server";
import type { Logger } from "pino";
import { PARTNER_KINDS, type PartnerKind } from "../schema/kinds.ts";
import { SUPERGRAPH_PATH } from "../schema/compose.ts";
import type { Registry } from "../lib/registry/registry.ts";
import { ErrorCode, maskError } from "../lib/errors.ts";
import { GraphQLError } from "graphql";
import { ANONYMOUS, userKey, type Identity } from "../lib/auth/identity.ts";
import type { GatewayAuth } from "../lib/auth/setup.ts";
import { TokenError } from "../lib/auth/user-tokens.ts";
import type { IncomingMessage } from "node:http";
import { clientAddress, listen, type HttpOptions, type RunningServer } from "../lib/http-server.ts";
import { Admission, type AdmissionOptions } from "../lib/admission.ts";
import { edgeSettings, gatewayServerOptions, type EdgeSettings } from "./edge/index.ts";
import { createRateLimiter, type RateLimiter } from "./edge/rate-limit/index.ts";
import { OwnerRoutingDataSource } from "./owner-routing-data-source.ts";
import { CatalogueDataSource } from "./catalogue-data-source.ts";
import { CatalogueNudge } from "./catalogue-nudge.ts";
import { answersPrefetched, SingleFetchShortcut, type SingleFetchContext } from "./single-fetch.ts";
import { onePartnerWritesPlugin } from "./one-partner-writes.ts";
import { costDirectivesOf } from "../lib/limits/cost-directives.ts";
import { documentKeysPlugin, NormalisedDocumentStore, PlanCache } from "./caches/document-keys.ts";
import { PlanningBudget, planningBudgetPlugin } from "./caches/planning-budget.ts";
import type { SchemaChecker } from "../lib/contract/checker.ts";
import { exportRoutes, type ExportOptions } from "./export/routes.ts";
import { executor } from "./export/executor.ts";

export interface GatewayOptions {
  registry: () => Registry;
  timeoutMs: number;
  logger: Logger;
  /** Checks each partner's schema against its contract before routing to it (see lib/contract/checker.ts). */
  checker?: SchemaChecker;
  supergraphSdl?: string;
  /** Verifies callers' bearer tokens and signs what is forwarded to partners (lib/auth/setup.ts). */
  auth?: GatewayAuth;
  /** Deadline for a write to its partner. */
  writeTimeoutMs?: number;
  /** Longest a write's answer waits for the national index to hold it (WRITE_INDEX_WAIT_MS; gateway/catalogue-nudge.ts). */
  writeIndexWaitMs?: number;
  /**
   * Limits at the edge (lib/config.ts "Edge limits"; index.ts passes the config). Absent: the
   * documented defaults, without rate limiting or planning budget (in-process test systems).
   */
  edge?: Partial<EdgeSettings>;
  /** A rate limiter instead of the one `edge` describes (tests). */
  limiter?: RateLimiter;
  /** What a request counts against in the rate limit (default: its address); see lib/http-server.ts. */
  keyOf?: HttpOptions<GatewayContext>["keyOf"];
  /** The single-fetch shortcut (gateway/single-fetch.ts); on unless false (tests compare both paths). */
  singleFetch?: boolean;
  /** Admission control (lib/admission.ts): the documented defaults for what is not given. */
  admission?: Partial<AdmissionOptions>;
  /** How long a stop lets in-flight requests finish (lib/http-server.ts; default 20 s, SHUTDOWN_GRACE_MS). */
  shutdownGraceMs?: number;
  /** The open export's page sizes and base URL (gateway/export/routes.ts documents the defaults). */
  export?: Pick<ExportOptions, "pageSize" | "csvPageSize" | "baseUrl">;
}

/** What every request's resolvers and data sources see: the verified caller, its admission ticket (and a fetch's answer the shortcut already has). */
export interface GatewayContext extends SingleFetchContext {
  /** What the request counts against: the rate limiter's key, also charged for planning (gateway/caches/planning-budget.ts). */
  client?: string;
}

/**
 * The caller of one HTTP request, from its bearer token. No token: anonymous. A token that fails
 * verification is refused with 401 and the reason (expired, signature, audience...), not served
 * anonymously: a client must learn its token is bad rather than silently see less.
 */
export async function identify(auth: GatewayAuth | undefined, authorization: string | undefined): Promise<Identity> {
  if (!authorization) return ANONYMOUS;
  if (!auth) {
    throw new GraphQLError("This gateway accepts no tokens", {
      extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } },
    });
  }
  try {
    return (await auth.users.verify(authorization)) ?? ANONYMOUS;
  } catch (e) {
    if (!(e instanceof TokenError)) throw e;
    throw new GraphQLError(e.message, {
      extensions: {
        code: ErrorCode.UNAUTHENTICATED,
        reason: e.reason,
        http: { status: 401, headers: new HeaderMap([["www-authenticate", `Bearer error="invalid_token"`]]) as never },
      },
    });
  }
}

// @apollo/gateway otherwise starts an OpenTelemetry exporter that probes cloud metadata endpoints
// and reports to Apollo's servers. This deployment must make no calls beyond its partners (closed
// NHS networks, no internet here), so it is switched off before any gateway is constructed. This
// is the one place the code writes to process.env: the library reads nothing else.
process.env.APOLLO_TELEMETRY_DISABLED = "true";

export interface BuiltGateway {
  apollo: ApolloServer<GatewayContext>;
  /** Answers reads that plan to one unchanged fetch without the plan's execution (undefined when switched off). */
  shortcut?: SingleFetchShortcut<GatewayContext>;
  /** The plan and document caches, keyed by normalised document (gateway/caches/document-keys.ts). */
  caches: { plans: PlanCache; documents: NormalisedDocumentStore };
}

export async function buildGateway(options: GatewayOptions): Promise<BuiltGateway> {
  const { registry, timeoutMs, logger } = options;
  const nudge = new CatalogueNudge({
    registry,
    logger,
    signer: options.auth?.signer,
    waitMs: options.writeIndexWaitMs,
  });
  const supergraphSdl = options.supergraphSdl ?? readFileSync(SUPERGRAPH_PATH, "utf8");
  // Apollo builds one data source per service; the shortcut sends its fetches through the same ones.
  const fetchers = new Map<string, OwnerRoutingDataSource | CatalogueDataSource>();
  const settings = edgeSettings(options.edge);
  // Plans and validated documents keyed by the normalised document; planning charged per client.
  const plans = new PlanCache();
  const shortcut =
    options.singleFetch === false ? undefined : new SingleFetchShortcut<GatewayContext>({ plans, fetchers });
  const documents = new NormalisedDocumentStore({ maxTokens: settings.MAX_TOKENS });
  // Like rate limiting, off without `edge` (in-process test systems, whose every client is one address).
  const budget = new PlanningBudget({
    budgetMs: options.edge ? settings.PLANNING_BUDGET_MS : 0,
    windowMs: settings.PLANNING_WINDOW_MS,
  });
  const planning = planningBudgetPlugin<GatewayContext>(budget, plans);
  const gateway = new ApolloGateway({
    supergraphSdl,
    queryPlannerConfig: { cache: plans as never },
    experimental_didResolveQueryPlan: ({ requestContext }) => planning.onPlanResolved(requestContext.context),
    buildService: ({ name }) => {
      const source = (PARTNER_KINDS as readonly string[]).includes(name)
        ? new OwnerRoutingDataSource({
            kind: name as PartnerKind,
            registry,
            timeoutMs,
            logger,
            checker: options.checker,
            signer: options.auth?.signer,
            writeTimeoutMs: options.writeTimeoutMs,
            maxEntitiesPerCall: settings.PARTNER_MAX_ENTITIES,
            afterWrite: (partner) => nudge.indexed(partner),
          })
        : new CatalogueDataSource({ registry, timeoutMs, logger, signer: options.auth?.signer });
      fetchers.set(name, source);
      return shortcut ? answersPrefetched(source) : source;
    },
  });
  // Field costs and list sizes as the contracts declare them (@cost, @listSize), read from the supergraph.
  const directives = costDirectivesOf(supergraphSdl);
  const serverOptions = gatewayServerOptions<GatewayContext>(settings, maskError, directives);
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    // Limits, batching, CSRF prevention, introspection, suggestions, masked errors: gateway/edge.
    ...serverOptions,
    documentStore: documents as never,
    plugins: [
      ...serverOptions.plugins,
      documentKeysPlugin<GatewayContext>(documents, settings.MAX_TOKENS),
      // A mutation across kinds is refused before anything is written (gateway/one-partner-writes.ts).
      onePartnerWritesPlugin<GatewayContext>(),
      planning.plugin,
      // Last: it answers in responseForOperation, once every other plugin has resolved the operation.
      ...(shortcut ? [shortcut.plugin] : []),
    ],
    // Signals are the process's (lib/shutdown.ts: drain HTTP, then stop Apollo). Apollo's own handler
    // (on outside NODE_ENV=test) would stop it under in-flight requests and re-raise the signal.
    stopOnTerminationSignals: false,
    logger: {
      debug: () => {},
      info: (m) => logger.info(m),
      warn: (m) => logger.warn(m),
      error: (m) => logger.error(m),
    },
  });
  await apollo.start();
  return { apollo, shortcut, caches: { plans, documents } };
}

/** A listening gateway: its server, what it was built from, and its admission control (counts for tests and /health). */
export type RunningGateway = RunningServer & BuiltGateway & { admission: Admission };

export async function startGateway(
  options: GatewayOptions & { port: number; host: string; maxBodyBytes: number },
): Promise<RunningGateway> {
  const built = await buildGateway(options);
  const { apollo } = built;
  // One admission for the whole process: every request, /graphql's and the export's.
  const admission = new Admission(options.admission);
  const edge = edgeSettings(options.edge);
  // The rate limiter and the context both need the caller: the token is verified once per request.
  const identities = new WeakMap<IncomingMessage, Promise<Identity>>();
  const identityOfRequest = (req: IncomingMessage): Promise<Identity> => {
    let identity = identities.get(req);
    if (!identity) {
      identity = identify(options.auth, req.headers.authorization);
      identities.set(req, identity);
    }
    return identity;
  };
  const ownLimiter = options.limiter
    ? undefined
    : options.edge
      ? await createRateLimiter(edge, options.logger)
      : undefined;
  const limiter = options.limiter ?? ownLimiter;
  // A signed-in caller is counted by user wherever they connect from; anyone else (including a
  // bad token) by address, so rotating made-up tokens buys no extra budget. The same key is charged
  // for planning; computed once per request.
  const keyOf =
    options.keyOf ??
    (async (req: IncomingMessage) => {
      const identity = await identityOfRequest(req).catch(() => undefined);
      return identity?.kind === "user" ? `user:${userKey(identity)}` : `addr:${clientAddress(req)}`;
    });
  const keys = new WeakMap<IncomingMessage, Promise<string | undefined>>();
  const clientOf = (req: IncomingMessage): Promise<string | undefined> => {
    let key = keys.get(req);
    if (!key) {
      key = Promise.resolve(keyOf(req)).catch(() => `addr:${clientAddress(req)}`);
      keys.set(req, key);
    }
    return key;
  };
  const running = await listen(apollo, {
    port: options.port,
    host: options.host,
    maxBodyBytes: options.maxBodyBytes,
    admission,
    shutdownGraceMs: options.shutdownGraceMs,
    onDrained: ({ ms, cut }) =>
      cut
        ? options.logger.warn({ ms, cut }, "stopped: requests cut at the drain deadline")
        : options.logger.info({ ms }, "drained"),
    limiter,
    keyOf: clientOf,
    maxBatch: edge.HTTP_BATCH_MAX,
    context: async ({ req }): Promise<GatewayContext> => ({
      identity: await identityOfRequest(req),
      client: await clientOf(req),
      budget: admission.ticketOf(req),
    }),
    health: () => ({ service: "gateway", admission: admission.stats() }),
    // The open export (DCAT, schema.org, CSV), read through this gateway's own GraphQL.
    routes: exportRoutes({
      execute: executor({ apollo, ticketOf: (req) => admission.ticketOf(req), clientOf }),
      registry: options.registry,
      logger: options.logger,
      ...options.export,
    }),
  });
  return {
    ...running,
    ...built,
    admission,
    close: async () => {
      await running.close();
      await apollo.stop();
      await ownLimiter?.close();
    },
  };
}

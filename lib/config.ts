// Every setting of every service, parsed once from the environment with zod. Nothing else reads
// process.env: a service calls loadConfig() in its index.ts and passes the typed object down.
// A bad or missing value stops start-up with one line per problem, naming the setting.
import { z } from "zod";
import { join } from "node:path";
import { DEFAULT_AUDIENCE } from "../schema/roles.ts";
import { DEFAULT_REGISTRY_FILE, HTTP_URL_MESSAGE, isHttpUrl } from "./registry/registry.ts";
import { PROJECT_ROOT } from "./project-root.ts";

const port = z.coerce.number().int().min(0).max(65535);
const pem = z
  .string()
  .transform((s) => s.replaceAll("\\n", "\n"))
  .refine((s) => /-----BEGIN [A-Z ]+-----/.test(s), "must be a PEM key");
const ms = (def: number) => z.coerce.number().int().min(10).max(3_600_000).default(def);

export const configSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** The partner registry file. */
  REGISTRY_FILE: z.string().min(1).default(DEFAULT_REGISTRY_FILE),
  /** How a partner's URL is built from its registry entry when the entry has no url. */
  PARTNER_URL_TEMPLATE: z
    .string()
    .refine((s) => s.includes("{port}") || s.includes("{id}"), "must contain {port} or {id}")
    .refine((s) => isHttpUrl(s.replaceAll("{port}", "4100").replaceAll("{id}", "partner")), HTTP_URL_MESSAGE)
    .default("http://127.0.0.1:{port}/graphql"),
  /**
   * Where embedded (PGlite) databases live, one folder per partner; every service also keeps its
   * last good registry here (registry.last-good.<service>.json) to start from if REGISTRY_FILE is broken.
   */
  DATA_DIR: z.string().min(1).default(join(PROJECT_ROOT, ".data")),
  /**
   * Flush every commit of the embedded store to disk (`on`, the default): what a write answered as
   * done survives an OS crash or power loss, for one fsync per commit (+0.7 to +3.4 ms measured).
   * `off` keeps commits in the OS page cache only (safe from a process crash, not a machine crash):
   * for tests and benchmarks. A PostgreSQL server (DATABASE_URL) has its own fsync setting.
   */
  EMBEDDED_FSYNC: z
    .enum(["on", "off"])
    .default("on")
    .transform((v) => v === "on"),
  /** A PostgreSQL server for this one service; without it the service uses the embedded store. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
    .optional(),
  /** The partner this process serves (subgraph services only). */
  PARTNER_ID: z.string().min(1).optional(),
  /** Overrides the registry's port for this process. */
  PORT: port.optional(),
  HOST: z.string().min(1).default("127.0.0.1"),
  GATEWAY_PORT: port.default(4000),
  /**
   * The gateway's public address, the base of the open export's identifiers and next-page links
   * (gateway/export/routes.ts), e.g. https://catalogue.example.nhs.uk. Unset: http://<the request's
   * Host header>, which suits development; set it in production so identifiers stay stable and no
   * client's Host header ends up in a link.
   */
  EXPORT_BASE_URL: z.string().refine(isHttpUrl, HTTP_URL_MESSAGE).optional(),
  /** How long the gateway waits for one partner before answering without it. */
  PARTNER_TIMEOUT_MS: ms(3000),
  /** How long the gateway waits for a partner to finish a write (a batch of measurements is a transaction). */
  PARTNER_WRITE_TIMEOUT_MS: ms(15_000),
  /**
   * Longest the gateway holds a write's answer while the national catalogue indexes it
   * (gateway/catalogue-nudge.ts): once the answer is out, nobody reads the index's copy from before
   * the write. Past it the answer goes out anyway and the index catches up. 0: do not wait.
   */
  WRITE_INDEX_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(5000),
  /** How often the gateway and the catalogue look for changes to the registry file. */
  REGISTRY_POLL_MS: ms(2000),
  /** How long a partner's schema check result is trusted before the partner is checked again. */
  SCHEMA_CHECK_TTL_MS: ms(300_000),
  /** How often the catalogue harvests every partner. */
  HARVEST_INTERVAL_MS: ms(60_000),
  /**
   * How often the catalogue reconciles its index with every partner's version listing, repairing what
   * reached a partner's database without passing through its change feed (a restore, a hand-made
   * UPDATE). Default 3,600,000 (hourly): the feed alone is exact, so this is a safety net, and a pass
   * reads every published id and version of every partner. 0 turns it off.
   */
  RECONCILE_INTERVAL_MS: z.coerce.number().int().min(0).max(86_400_000).default(3_600_000),
  /** Harvest as soon as the catalogue starts (the demo launcher asks for the first harvest itself, once every partner is up). */
  HARVEST_AT_START: z
    .enum(["true", "false"])
    .default("true")
    .transform((v) => v === "true"),
  /** Seed an empty partner database from its seed file at start-up. */
  SEED: z
    .enum(["true", "false"])
    .default("true")
    .transform((v) => v === "true"),
  // Identity (lib/auth). Keys may be given with literal "\n" for newlines (one-line env files).
  /** HS256 secret (at least 32 characters) that verifies user tokens; or AUTH_PUBLIC_KEY / AUTH_JWKS_URL. */
  AUTH_JWT_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  /** PEM public key (RSA, EC or Ed25519) that verifies user tokens. */
  AUTH_PUBLIC_KEY: pem.optional(),
  /** The identity provider's JWKS endpoint; keys are fetched and cached by kid. */
  AUTH_JWKS_URL: z.url().optional(),
  /**
   * User tokens must carry this issuer (`iss`). Required when NODE_ENV=production (the gateway and
   * the catalogue refuse to start without it: any issuer the key verifies would be believed);
   * unset in development, where any `iss` is accepted (and recorded as part of the user's identity).
   */
  AUTH_ISSUER: z.string().min(1).optional(),
  /**
   * Longest a user token may live, `exp` minus `iat` (or minus now, without `iat`), in seconds.
   * Default 12 h: a working day of the 8 h development tokens, far above identity providers'
   * access tokens (minutes to an hour); a stolen token is worth at most this long.
   */
  AUTH_MAX_TOKEN_LIFETIME_S: z.coerce
    .number()
    .int()
    .min(60)
    .max(7 * 86_400)
    .default(43_200),
  /**
   * Clock difference tolerated between the token's issuer (or the gateway) and this host, in
   * seconds: for `exp`, and for an `iat` in the future (refused beyond this). Default 60 s: NTP keeps
   * hosts within a second; a minute absorbs a badly kept one without letting a token live longer.
   */
  AUTH_CLOCK_SKEW_S: z.coerce.number().int().min(0).max(600).default(60),
  /** User tokens must carry this audience (`aud`): a token minted for another service is refused. */
  AUTH_AUDIENCE: z.string().min(1).default(DEFAULT_AUDIENCE),
  /** PEM PKCS#8 Ed25519 private key the gateway signs forwarded identities with (the gateway only). */
  GATEWAY_SIGNING_KEY: pem.optional(),
  /** PEM SPKI public half of GATEWAY_SIGNING_KEY: partners verify forwarded identities with it. */
  GATEWAY_VERIFY_KEY: pem.optional(),
  /** PEM PKCS#8 Ed25519 private key the national catalogue signs its own calls (harvest, schema checks) with. */
  CATALOGUE_SIGNING_KEY: pem.optional(),
  /** PEM SPKI public half of CATALOGUE_SIGNING_KEY: partners accept it for feeds and SDL only (lib/auth/catalogue-scope.ts). */
  CATALOGUE_VERIFY_KEY: pem.optional(),
  /**
   * What a partner does with a request that carries no valid gateway signature: `reject` it (401), or
   * treat it as `read-only` anonymous (published items only, no writes; for local testing). Default:
   * reject in production, read-only otherwise.
   */
  SUBGRAPH_UNSIGNED: z.enum(["reject", "read-only"]).optional(),
  /** Largest accepted request body, in bytes. */
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(10_000_000).default(262_144),
  // Edge limits (gateway/edge, README "Limits at the edge"). The defaults let the README's example
  // query and every integration test's query through with room to spare (at most depth 7, 4 aliases,
  // 4 root fields, 190 tokens; cost 8,900 for the README's, 80,000 for the biggest: 50 projects with
  // every measure's analysis) and stop the attacks in tests/integration/edge-attacks.test.ts.
  /**
   * Deepest field nesting, fragments expanded: real queries reach 7. Introspection (`__schema`,
   * `__type`) is left to the cost and token limits: the standard introspection query nests 15 deep.
   */
  MAX_QUERY_DEPTH: z.coerce.number().int().min(1).max(100).default(12),
  /** Aliased fields per operation, fragments expanded: a handful side by side is normal, hundreds is an amplification attack. */
  MAX_ALIASES: z.coerce.number().int().min(0).max(10_000).default(30),
  /** Top-level fields per operation: a front-end page asks for a few entry points, not dozens. */
  MAX_ROOT_FIELDS: z.coerce.number().int().min(1).max(1000).default(20),
  /** Directives per operation, fragments expanded: @include/@skip a few times, never hundreds. */
  MAX_DIRECTIVES: z.coerce.number().int().min(0).max(10_000).default(20),
  /**
   * Lexical tokens per document, counted while parsing (the parser stops at the limit). The README
   * example has 146, introspection 184. It bounds validation too, whose worst case (many repeated
   * fields compared pairwise) grows with the square of the size: ~70 ms at 1,000 tokens, ~700 at 2,000.
   */
  MAX_TOKENS: z.coerce.number().int().min(100).max(1_000_000).default(1000),
  /**
   * Query cost: each field costs 1, a list multiplies its selection by its `first`/`limit` (or the
   * schema default, or COST_DEFAULT_LIST_SIZE). The README example costs 8,900 (44,000 with first: 100),
   * introspection 52,000, the biggest test query 80,000; three nested lists of 100 cost a million.
   */
  MAX_QUERY_COST: z.coerce.number().int().min(1).max(100_000_000).default(250_000),
  /** The size assumed for a list without a page argument (measures, resources, points...). */
  COST_DEFAULT_LIST_SIZE: z.coerce.number().int().min(1).max(10_000).default(10),
  /** Largest `first`/`last`/`limit` any field accepts: search serves at most 100 per page. */
  MAX_PAGE_SIZE: z.coerce.number().int().min(1).max(100_000).default(100),
  /** Operations in one batched POST (a JSON array); 0 (the default) refuses batches: one request, one operation, one rate-limit unit. */
  HTTP_BATCH_MAX: z.coerce.number().int().min(0).max(100).default(0),
  /** Schema introspection: on for this public catalogue, so that any GraphQL client can explore it. */
  INTROSPECTION: z
    .enum(["true", "false"])
    .default("true")
    .transform((v) => v === "true"),
  /** Requests per client (token or address) per RATE_LIMIT_WINDOW_MS; 0 turns rate limiting off. */
  RATE_LIMIT_REQUESTS: z.coerce.number().int().min(0).max(1_000_000).default(600),
  /** The rate-limit window (fixed, starting at a client's first request): 600 a minute is 10 a second sustained. */
  RATE_LIMIT_WINDOW_MS: z.coerce.number().int().min(1000).max(86_400_000).default(60_000),
  /** Redis shared by every gateway replica for one rate budget; without it each replica counts in memory. */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL")
    .optional(),
  /** Prefix of the rate-limit keys in Redis (one per deployment sharing a Redis). */
  RATE_LIMIT_PREFIX: z.string().min(1).default("dpic:rate:"),
  /**
   * Planning work per client (the rate-limit key): milliseconds of query planning its documents may
   * cost per PLANNING_WINDOW_MS (a plan-cache miss costs 20-330 ms of the gateway's one thread; a hit
   * costs nothing). 2 s a minute is a hundred new documents of a real front end, or six of the worst;
   * over it, documents the gateway has not planned yet get 429 and Retry-After. 0 turns it off.
   */
  PLANNING_BUDGET_MS: z.coerce.number().int().min(0).max(3_600_000).default(2000),
  /** The planning budget's window (fixed, starting at a client's first plan). */
  PLANNING_WINDOW_MS: z.coerce.number().int().min(1000).max(86_400_000).default(60_000),
  // Partner limits (lib/limits/partner.ts): what every partner refuses, signed by the gateway or not.
  /**
   * `_entities` representations per request: the gateway's largest batch is a page (MAX_PAGE_SIZE,
   * 100) of items with a nested list of entities each (10 assumed): 1,000.
   */
  PARTNER_MAX_ENTITIES: z.coerce.number().int().min(1).max(100_000).default(1000),
  /**
   * A partner's cost limit for the gateway's signed forwards, on its estimate (the contract's
   * @cost/@listSize; `_entities` sized by its real representations) and on its answer's actual cost:
   * twice MAX_QUERY_COST, because a partner sees a nested list's real length where the gateway
   * assumed one. Unsigned callers get MAX_QUERY_COST, the gateway's own.
   */
  PARTNER_MAX_QUERY_COST: z.coerce.number().int().min(1).max(100_000_000).default(500_000),
  /**
   * A partner's cost limit for the national catalogue's signed calls: its feed pages (200 items, each
   * estimated with ten measures' analyses), version listings and reconciliation reads, fixed
   * documents of its own that its key may send and nothing else (lib/auth/catalogue-scope.ts).
   * Default 4,000,000: a page of 200 projects estimates at about 0.6 M. The harvester halves a page
   * a partner still refuses, so a lower value slows a harvest and never stops it.
   */
  CATALOGUE_MAX_QUERY_COST: z.coerce.number().int().min(1).max(100_000_000).default(4_000_000),
  /**
   * Unsigned requests (read-only mode) per caller address per PARTNER_RATE_LIMIT_WINDOW_MS; signed
   * forwards are the gateway's, already counted per client there. 0 turns it off.
   */
  PARTNER_RATE_LIMIT_REQUESTS: z.coerce.number().int().min(0).max(1_000_000).default(600),
  /** The partner rate-limit window (fixed, starting at a caller's first request). */
  PARTNER_RATE_LIMIT_WINDOW_MS: z.coerce.number().int().min(1000).max(86_400_000).default(60_000),
  // Admission control (lib/admission.ts, sized there from measurements under the gateway's 160 MB
  // old-space cap). 0 turns a bound off.
  /** Requests the gateway holds in flight at once; the next is answered 503 with Retry-After. Default 64. */
  MAX_INFLIGHT_REQUESTS: z.coerce.number().int().min(0).max(100_000).default(64),
  /**
   * Requests a partner service (and the catalogue) holds in flight at once; the next is answered 503
   * with Retry-After, and the gateway refuses its own request the same way. Default 16: a heavy read
   * (the 0.5 MB, 15,000-point page of tests/e2e/gateway-overload.test.ts) takes a partner ~70 ms
   * alone, so 16 queued ones (~1.1 s) still answer inside the gateway's 3 s read deadline.
   */
  SUBGRAPH_MAX_INFLIGHT_REQUESTS: z.coerce.number().int().min(0).max(100_000).default(16),
  /**
   * Bytes of partner answers held by all requests in flight; a call that would go over is refused (its
   * request answered 503). Default 2 MiB: each MB in flight cost the gateway ~12 MB of RSS, above
   * ~190 MB once warm, and its RSS must stay under 250 MB (lib/admission.ts has the measurements).
   */
  MAX_INFLIGHT_PARTNER_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .max(4_294_967_296)
    .default(2 * 1024 * 1024),
  /** Bytes of partner answers one request may gather (RESPONSE_TOO_LARGE beyond). Default 1 MiB: two 7,500 × 2 point pages, and half the budget. */
  MAX_RESPONSE_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .max(4_294_967_296)
    .default(1024 * 1024),
  /**
   * How long a service told to stop (SIGTERM, SIGINT) lets in-flight requests finish before it cuts
   * them. Default 20 s: longer than a write's deadline (PARTNER_WRITE_TIMEOUT_MS, 15 s), so every
   * request the gateway waits on ends by itself, and shorter than Kubernetes' 30 s before SIGKILL.
   */
  SHUTDOWN_GRACE_MS: ms(20_000),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join("; ")}`);
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const keys = Object.keys(configSchema.shape);
  // Empty or blank means unset (the default applies): `PORT=" "` must not coerce to port 0.
  const picked = Object.fromEntries(keys.filter((k) => (env[k] ?? "").trim() !== "").map((k) => [k, env[k]!.trim()]));
  const parsed = configSchema.safeParse(picked);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  }
  return parsed.data;
}

/** For index.ts files: parse the config or print the problems on one line and exit 1. */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): Config {
  try {
    return loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
}

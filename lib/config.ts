// Every setting of every service, parsed once from the environment with zod. Nothing else reads
// process.env: a service calls loadConfig() in its index.ts and passes the typed object down.
// A bad or missing value stops start-up with one line per problem, naming the setting.
import { z } from "zod";
import { fileURLToPath } from "node:url";

const port = z.coerce.number().int().min(0).max(65535);
const ms = (def: number) => z.coerce.number().int().min(10).max(3_600_000).default(def);

export const configSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** The partner registry file. */
  REGISTRY_FILE: z.string().min(1).default(fileURLToPath(new URL("../schema/partners.json", import.meta.url))),
  /** How a partner's URL is built from its registry entry when the entry has no url. */
  PARTNER_URL_TEMPLATE: z
    .string()
    .refine((s) => s.includes("{port}") || s.includes("{id}"), "must contain {port} or {id}")
    .default("http://127.0.0.1:{port}/graphql"),
  /** Where embedded (PGlite) databases live, one folder per partner. */
  DATA_DIR: z.string().min(1).default(fileURLToPath(new URL("../.data", import.meta.url))),
  /** A PostgreSQL server for this one service; without it the service uses the embedded store. */
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL").optional(),
  /** The partner this process serves (subgraph services only). */
  PARTNER_ID: z.string().min(1).optional(),
  /** Overrides the registry's port for this process. */
  PORT: port.optional(),
  HOST: z.string().min(1).default("127.0.0.1"),
  GATEWAY_PORT: port.default(4000),
  /** How long the gateway waits for one partner before answering without it. */
  PARTNER_TIMEOUT_MS: ms(3000),
  /** How often the gateway and the catalogue look for changes to the registry file. */
  REGISTRY_POLL_MS: ms(2000),
  /** How long a partner's schema check result is trusted before the partner is checked again. */
  SCHEMA_CHECK_TTL_MS: ms(300_000),
  /** How often the catalogue harvests every partner. */
  HARVEST_INTERVAL_MS: ms(60_000),
  /** Seed an empty partner database from its seed file at start-up. */
  SEED: z.enum(["true", "false"]).default("true").transform((v) => v === "true"),
  /** Largest accepted request body, in bytes. */
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(10_000_000).default(262_144),
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

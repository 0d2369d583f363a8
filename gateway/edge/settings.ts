// The edge's settings: lib/config.ts's "Edge limits" block (plus NODE_ENV), with the config's own
// defaults when a caller (a test) gives none.
import { loadConfig, type Config } from "../../lib/config.ts";

export const EDGE_KEYS = [
  "NODE_ENV",
  "MAX_QUERY_DEPTH",
  "MAX_ALIASES",
  "MAX_ROOT_FIELDS",
  "MAX_DIRECTIVES",
  "MAX_TOKENS",
  "MAX_QUERY_COST",
  "COST_DEFAULT_LIST_SIZE",
  "MAX_PAGE_SIZE",
  "HTTP_BATCH_MAX",
  "INTROSPECTION",
  "RATE_LIMIT_REQUESTS",
  "RATE_LIMIT_WINDOW_MS",
  "REDIS_URL",
  "RATE_LIMIT_PREFIX",
  "PLANNING_BUDGET_MS",
  "PLANNING_WINDOW_MS",
  // What partners accept per call: the gateway splits bigger `_entities` batches to fit.
  "PARTNER_MAX_ENTITIES",
] as const satisfies readonly (keyof Config)[];

export type EdgeSettings = Pick<Config, (typeof EDGE_KEYS)[number]>;

/** The documented defaults (an empty environment). */
export const EDGE_DEFAULTS: EdgeSettings = pick(loadConfig({}));

export function edgeSettings(overrides: Partial<EdgeSettings> = {}): EdgeSettings {
  return { ...EDGE_DEFAULTS, ...pick(overrides as Config) };
}

function pick(config: Partial<Config>): EdgeSettings {
  return Object.fromEntries(
    EDGE_KEYS.filter((k) => config[k] !== undefined).map((k) => [k, config[k]]),
  ) as EdgeSettings;
}

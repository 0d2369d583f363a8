// The body of every subgraph's index.ts: read config, find this process's partner in the
// registry, open its store (PGlite under DATA_DIR/<partner>, or DATABASE_URL), listen, and stop
// cleanly on SIGINT/SIGTERM.
import { join } from "node:path";
import { loadConfigOrExit } from "../../lib/config.ts";
import { createLogger } from "../../lib/logger.ts";
import { RegistrySource } from "../../lib/registry-source.ts";
import { SchemaChecker } from "../../lib/schema-checker.ts";
import type { Kind } from "../../schema/kinds.ts";
import { buildService, startService, type ServiceDefinition } from "./service.ts";
import { partnerAuth } from "../../lib/auth/setup.ts";
import { MissingKeyError } from "../../lib/auth/keys.ts";

export async function main(def: ServiceDefinition<any, any>, kind: Kind): Promise<void> {
  const config = loadConfigOrExit();
  const bootLogger = createLogger(kind, config.LOG_LEVEL, config.PARTNER_ID);
  const registry = new RegistrySource(config.REGISTRY_FILE, config.PARTNER_URL_TEMPLATE, bootLogger).watch(config.REGISTRY_POLL_MS);
  const partner = config.PARTNER_ID ? registry.current().get(config.PARTNER_ID) : undefined;
  if (!partner || partner.kind !== kind) {
    console.error(`PARTNER_ID: must name a ${kind} partner in ${config.REGISTRY_FILE} (got ${config.PARTNER_ID ?? "nothing"})`);
    process.exit(1);
  }
  const logger = bootLogger;
  const store = config.DATABASE_URL
    ? ({ kind: "postgres", url: config.DATABASE_URL } as const)
    : ({ kind: "embedded", dataDir: join(config.DATA_DIR, partner.id) } as const);
  let auth;
  try {
    // The national catalogue signs its own calls to partners (harvest, schema checks).
    auth = partnerAuth(config, partner.id, kind === "catalogue");
  } catch (e) {
    if (!(e instanceof MissingKeyError)) throw e;
    console.error(e.message);
    process.exit(1);
  }
  const built = await buildService(def, {
    auth,
    partner,
    store,
    logger,
    seed: config.SEED,
    registry: registry.current,
    checker: new SchemaChecker(config.PARTNER_TIMEOUT_MS, config.SCHEMA_CHECK_TTL_MS, logger, auth.signer),
    partnerTimeoutMs: config.PARTNER_TIMEOUT_MS,
    harvestIntervalMs: config.HARVEST_INTERVAL_MS,
    reconcileIntervalMs: config.RECONCILE_INTERVAL_MS,
    harvestAtStart: config.HARVEST_AT_START,
  });
  const running = await startService(built, { port: config.PORT ?? partner.port, host: config.HOST, maxBodyBytes: config.MAX_BODY_BYTES });
  logger.info({ url: running.url, store: store.kind }, "listening");
  const stop = async () => {
    registry.stop();
    await running.close();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

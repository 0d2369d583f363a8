// The body of every subgraph's index.ts: read config, find this process's partner in the
// registry, open its store (PGlite under DATA_DIR/<partner>, or DATABASE_URL), listen, and stop
// cleanly on SIGINT/SIGTERM.
import { join } from "node:path";
import { loadConfigOrExit } from "../../lib/config.ts";
import { createLogger } from "../../lib/logger.ts";
import { lastGoodRegistryFile, RegistrySource, RegistryStartError } from "../../lib/registry/source.ts";
import { SchemaChecker } from "../../lib/contract/checker.ts";
import type { Kind } from "../../schema/kinds.ts";
import { buildService, startService, type ServiceDefinition } from "./service.ts";
import { partnerAuth } from "../../lib/auth/setup.ts";
import { MissingKeyError } from "../../lib/auth/keys.ts";
import { stopOnSignals } from "../../lib/shutdown.ts";

export async function main<C extends { $disconnect(): Promise<void> }, Ctx extends object>(
  def: ServiceDefinition<C, Ctx>,
  kind: Kind,
): Promise<void> {
  const config = loadConfigOrExit();
  const bootLogger = createLogger(kind, config.LOG_LEVEL, config.PARTNER_ID);
  let registry: RegistrySource;
  try {
    registry = new RegistrySource(config.REGISTRY_FILE, config.PARTNER_URL_TEMPLATE, bootLogger, {
      lastGoodFile: lastGoodRegistryFile(config.DATA_DIR, config.PARTNER_ID ?? kind),
    }).watch(config.REGISTRY_POLL_MS);
  } catch (e) {
    if (!(e instanceof RegistryStartError)) throw e;
    console.error(e.message);
    process.exit(1);
  }
  const partner = config.PARTNER_ID ? registry.current().get(config.PARTNER_ID) : undefined;
  if (!partner || partner.kind !== kind) {
    console.error(
      `PARTNER_ID: must name a ${kind} partner in ${config.REGISTRY_FILE} (got ${config.PARTNER_ID ?? "nothing"})`,
    );
    process.exit(1);
  }
  const logger = bootLogger;
  const store = config.DATABASE_URL
    ? ({ kind: "postgres", url: config.DATABASE_URL } as const)
    : ({ kind: "embedded", dataDir: join(config.DATA_DIR, partner.id), fsync: config.EMBEDDED_FSYNC } as const);
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
    limits: config,
  });
  const running = await startService(built, {
    port: config.PORT ?? partner.port,
    host: config.HOST,
    maxBodyBytes: config.MAX_BODY_BYTES,
    shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
    maxInflightRequests: config.SUBGRAPH_MAX_INFLIGHT_REQUESTS,
  });
  logger.info({ url: running.url, store: store.kind }, "listening");
  // running.close() drains HTTP, then stops background work (the catalogue's harvests) and closes
  // the store; the registry watcher goes last, as in-flight requests may still read it.
  stopOnSignals(
    async () => {
      await running.close();
      registry.stop();
    },
    { logger, graceMs: config.SHUTDOWN_GRACE_MS },
  );
}

// Starts the national gateway: reads config, loads the registry, listens.
import { loadConfigOrExit } from "../lib/config.ts";
import { createLogger } from "../lib/logger.ts";
import { lastGoodRegistryFile, RegistrySource, RegistryStartError } from "../lib/registry/source.ts";
import { SchemaChecker } from "../lib/contract/checker.ts";
import { startGateway } from "./server.ts";
import { gatewayAuth } from "../lib/auth/setup.ts";
import { MissingKeyError } from "../lib/auth/keys.ts";
import { stopOnSignals } from "../lib/shutdown.ts";

const config = loadConfigOrExit();
const logger = createLogger("gateway", config.LOG_LEVEL);
let registry: RegistrySource;
try {
  registry = new RegistrySource(config.REGISTRY_FILE, config.PARTNER_URL_TEMPLATE, logger, {
    lastGoodFile: lastGoodRegistryFile(config.DATA_DIR, "gateway"),
  }).watch(config.REGISTRY_POLL_MS);
} catch (e) {
  if (!(e instanceof RegistryStartError)) throw e;
  console.error(e.message);
  process.exit(1);
}
let auth;
try {
  auth = gatewayAuth(config);
} catch (e) {
  if (!(e instanceof MissingKeyError)) throw e;
  console.error(e.message);
  process.exit(1);
}
const gateway = await startGateway({
  auth,
  edge: config,
  writeTimeoutMs: config.PARTNER_WRITE_TIMEOUT_MS,
  writeIndexWaitMs: config.WRITE_INDEX_WAIT_MS,
  registry: registry.current,
  checker: new SchemaChecker(config.PARTNER_TIMEOUT_MS, config.SCHEMA_CHECK_TTL_MS, logger, auth.signer),
  timeoutMs: config.PARTNER_TIMEOUT_MS,
  logger,
  port: config.GATEWAY_PORT,
  host: config.HOST,
  maxBodyBytes: config.MAX_BODY_BYTES,
  admission: {
    maxInflightRequests: config.MAX_INFLIGHT_REQUESTS,
    maxInflightBytes: config.MAX_INFLIGHT_PARTNER_BYTES,
    maxResponseBytes: config.MAX_RESPONSE_BYTES,
  },
  shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
  export: { baseUrl: config.EXPORT_BASE_URL },
});
logger.info({ url: gateway.url }, "gateway listening");
// Drain the HTTP front first (in-flight requests still need the registry), then the watcher.
stopOnSignals(
  async () => {
    await gateway.close();
    registry.stop();
  },
  { logger, graceMs: config.SHUTDOWN_GRACE_MS },
);

// Starts the national gateway: reads config, loads the registry, listens.
import { loadConfigOrExit } from "../lib/config.ts";
import { createLogger } from "../lib/logger.ts";
import { lastGoodRegistryFile, RegistrySource, RegistryStartError } from "../lib/registry-source.ts";
import { SchemaChecker } from "../lib/schema-checker.ts";
import { startGateway } from "./server.ts";
import { gatewayAuth } from "../lib/auth/setup.ts";
import { MissingKeyError } from "../lib/auth/keys.ts";

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
  registry: registry.current,
  checker: new SchemaChecker(config.PARTNER_TIMEOUT_MS, config.SCHEMA_CHECK_TTL_MS, logger, auth.signer),
  timeoutMs: config.PARTNER_TIMEOUT_MS,
  logger,
  port: config.GATEWAY_PORT,
  host: config.HOST,
  maxBodyBytes: config.MAX_BODY_BYTES,
});
logger.info({ url: gateway.url }, "gateway listening");
const stop = async () => {
  registry.stop();
  await gateway.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

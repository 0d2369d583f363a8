// Starts the national gateway: reads config, loads the registry, listens.
import { loadConfigOrExit } from "../lib/config.ts";
import { createLogger } from "../lib/logger.ts";
import { loadRegistry } from "../schema/registry.ts";
import { startGateway } from "./server.ts";

const config = loadConfigOrExit();
const logger = createLogger("gateway", config.LOG_LEVEL);
const registry = loadRegistry(config.REGISTRY_FILE, config.PARTNER_URL_TEMPLATE);
const gateway = await startGateway({
  registry: () => registry,
  timeoutMs: config.PARTNER_TIMEOUT_MS,
  logger,
  port: config.GATEWAY_PORT,
  host: config.HOST,
  maxBodyBytes: config.MAX_BODY_BYTES,
});
logger.info({ url: gateway.url }, "gateway listening");
const stop = async () => {
  await gateway.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

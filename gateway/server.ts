// Builds the gateway: the committed supergraph (schema/supergraph.graphql), a transport per kind
// (owner routing for partner kinds, the catalogue's service for the catalogue) and Apollo's
// planner. index.ts only reads config and listens; tests build it in-process on port 0.
import { readFileSync } from "node:fs";
import { ApolloGateway } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import type { Logger } from "pino";
import { PARTNER_KINDS, type PartnerKind } from "../schema/kinds.ts";
import { SUPERGRAPH_PATH } from "../schema/compose.ts";
import type { Registry } from "../schema/registry.ts";
import { maskError } from "../lib/errors.ts";
import { listen, type RunningServer } from "../lib/http-server.ts";
import { OwnerRoutingDataSource } from "./owner-routing-data-source.ts";
import { CatalogueDataSource } from "./catalogue-data-source.ts";
import type { SchemaChecker } from "../lib/schema-checker.ts";

export interface GatewayOptions {
  registry: () => Registry;
  timeoutMs: number;
  logger: Logger;
  /** Checks each partner's schema against its contract before routing to it (see lib/schema-checker.ts). */
  checker?: SchemaChecker;
  supergraphSdl?: string;
}

// @apollo/gateway otherwise starts an OpenTelemetry exporter that probes cloud metadata endpoints
// and reports to Apollo's servers. This deployment must make no calls beyond its partners (closed
// NHS networks, no internet here), so it is switched off before any gateway is constructed. This
// is the one place the code writes to process.env: the library reads nothing else.
process.env.APOLLO_TELEMETRY_DISABLED = "true";

export async function buildGateway(options: GatewayOptions): Promise<ApolloServer> {
  const { registry, timeoutMs, logger } = options;
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl ?? readFileSync(SUPERGRAPH_PATH, "utf8"),
    buildService: ({ name }) =>
      (PARTNER_KINDS as readonly string[]).includes(name)
        ? new OwnerRoutingDataSource({ kind: name as PartnerKind, registry, timeoutMs, logger, checker: options.checker })
        : new CatalogueDataSource({ registry, timeoutMs, logger }),
  });
  const server = new ApolloServer({
    gateway,
    formatError: maskError,
    includeStacktraceInErrorResponses: false,
    introspection: true,
    logger: { debug: () => {}, info: (m) => logger.info(m), warn: (m) => logger.warn(m), error: (m) => logger.error(m) },
  });
  await server.start();
  return server;
}

export async function startGateway(options: GatewayOptions & { port: number; host: string; maxBodyBytes: number }): Promise<RunningServer & { apollo: ApolloServer }> {
  const apollo = await buildGateway(options);
  const running = await listen(apollo, {
    port: options.port,
    host: options.host,
    maxBodyBytes: options.maxBodyBytes,
    context: async () => ({}),
    health: () => ({ service: "gateway" }),
  });
  return {
    ...running,
    apollo,
    close: async () => {
      await running.close();
      await apollo.stop();
    },
  };
}

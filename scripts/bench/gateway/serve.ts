// One gateway of the bench in its own process (so that its memory can be read from /proc):
//   serve.ts ours   our gateway (gateway/server.ts: owner routing over the bench registry)
//   serve.ts apollo a default-configured @apollo/gateway (RemoteGraphQLDataSource per subgraph)
//   serve.ts hive   Hive Gateway's runtime on node:http
// The second argument is the configuration as JSON (the registry's partners, and the one URL per
// kind that the single-URL gateways are given). Prints {"url": ...} once listening; exits cleanly on
// SIGTERM so that `node --cpu-prof` writes its profile.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { pino } from "pino";
import { SUPERGRAPH_PATH } from "../../../schema/compose.ts";
import { Registry, type Partner } from "../../../lib/registry/registry.ts";

export interface ServeConfig {
  partners: Partner[];
  /** Kind → URL of the one partner of that kind the single-URL gateways call. */
  urls: Record<string, string>;
  /** Our gateway's identity keys: the user-token secret and the forward-signing key (PEM). */
  auth?: { secret: string; signingKey: string };
}

const which = process.argv[2];
const config = JSON.parse(process.argv[3] ?? "{}") as ServeConfig;
const host = "127.0.0.1";

/** The committed supergraph with each kind's placeholder URL replaced by one partner's. */
function supergraphFor(urls: Record<string, string>): string {
  let sdl = readFileSync(SUPERGRAPH_PATH, "utf8");
  for (const [kind, url] of Object.entries(urls)) sdl = sdl.replaceAll(`http://${kind}.kind.invalid/graphql`, url);
  return sdl;
}

let close: () => Promise<void>;
let url: string;
if (which === "ours") {
  const { startGateway } = await import("../../../gateway/server.ts");
  const registry = new Registry(config.partners, "unused");
  const { createPrivateKey, createSecretKey } = await import("node:crypto");
  const { userTokenVerifier } = await import("../../../lib/auth/user-tokens.ts");
  const { IdentitySigner } = await import("../../../lib/auth/internal-tokens.ts");
  const { DEFAULT_AUDIENCE } = await import("../../../schema/roles.ts");
  const auth = config.auth
    ? {
        users: userTokenVerifier(
          { kind: "secret", key: createSecretKey(Buffer.from(config.auth.secret, "utf8")) },
          { audience: DEFAULT_AUDIENCE },
        ),
        signer: new IdentitySigner(createPrivateKey(config.auth.signingKey)),
      }
    : undefined;
  const running = await startGateway({
    registry: () => registry,
    timeoutMs: 30_000,
    logger: pino({ level: "silent" }),
    port: 0,
    host,
    maxBodyBytes: 262_144,
    auth,
  });
  url = running.url;
  close = running.close;
} else if (which === "apollo") {
  // Defaults throughout: the gateway builds a RemoteGraphQLDataSource per subgraph and keeps its
  // default query-plan cache. Telemetry is off only because this machine has no internet.
  process.env.APOLLO_TELEMETRY_DISABLED = "true";
  const { ApolloGateway } = await import("@apollo/gateway");
  const { ApolloServer } = await import("@apollo/server");
  const { startStandaloneServer } = await import("@apollo/server/standalone");
  const server = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl: supergraphFor(config.urls) }) });
  ({ url } = await startStandaloneServer(server, { listen: { port: 0, host } }));
  close = () => server.stop();
} else if (which === "hive") {
  const { createGatewayRuntime } = await import("@graphql-hive/gateway");
  const gateway = createGatewayRuntime({ supergraph: supergraphFor(config.urls), logging: false });
  const server = createServer(gateway);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  url = `http://${host}:${(server.address() as AddressInfo).port}/graphql`;
  close = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await gateway.dispose();
  };
} else {
  console.error("usage: serve.ts ours|apollo|hive");
  process.exit(2);
}
// Diagnostics for the bench's author: `kill -USR2 <pid>` prints the process's memory use.
process.on("SIGUSR2", async () => {
  (globalThis as { gc?: () => void }).gc?.(); // with --expose-gc: what is live, not what awaits collection
  const mb = Object.entries(process.memoryUsage()).map(([k, v]) => `${k} ${Math.round(v / 1048576)} MB`);
  const { getHeapSpaceStatistics } = await import("node:v8");
  const spaces = getHeapSpaceStatistics().map((x) => `${x.space_name} ${Math.round(x.physical_space_size / 1048576)}`);
  process.stderr.write(`${which} memory: ${mb.join(", ")}; heap spaces (physical MB): ${spaces.join(", ")}\n`);
});
process.on("SIGTERM", () => {
  void close().finally(() => process.exit(0));
  // Never hang the bench on a slow shutdown.
  setTimeout(() => process.exit(0), 3000).unref();
});
// readyMs: how long start-up took, so that a profile's summary can leave module loading out.
process.stdout.write(`${JSON.stringify({ url, readyMs: Math.round(performance.now()) })}\n`);

// Starts a whole national catalogue in this process for a test: every enabled partner of the
// registry (each its own HTTP server on an ephemeral port, with its own database), the catalogue
// and the gateway. Tests then talk to it over HTTP exactly as a client would.
//
// Store: in-memory PGlite per partner by default; TEST_DATABASE_URL (a PostgreSQL server) gives
// each partner a fresh database on that server instead, dropped at the end.
import pg from "pg";
import { randomUUID } from "node:crypto";
import { pino } from "pino";
import { DEFAULT_REGISTRY_FILE, loadRegistry, Registry, type Partner } from "../../schema/registry.ts";
import type { Kind } from "../../schema/kinds.ts";
import type { Store } from "../../lib/db/open.ts";
import { buildService, startService, type ServiceDefinition } from "../../subgraphs/shared/service.ts";
import { resourcesService } from "../../subgraphs/resources/server.ts";
import { networksService } from "../../subgraphs/networks/server.ts";
import { projectsService } from "../../subgraphs/projects/server.ts";
import { catalogueService } from "../../subgraphs/catalogue/server.ts";
import type { Harvester } from "../../subgraphs/catalogue/harvest/harvester.ts";
import { startGateway } from "../../gateway/server.ts";
import type { RunningServer } from "../../lib/http-server.ts";

export const SERVICES: Record<Kind, ServiceDefinition<any, any>> = {
  resources: resourcesService,
  networks: networksService,
  projects: projectsService,
  catalogue: catalogueService,
};

// Each embedded database registers exit handlers on the process; ten of them in one test process
// are expected, not a leak.
process.setMaxListeners(64);

const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });

export type RunningPartner = Awaited<ReturnType<typeof startService>>;

export interface SystemOptions {
  /** Which registry partners to start (default: every enabled one). */
  only?: (p: Partner) => boolean;
  /** Extra partners not in the registry file (e.g. a partner joining during the test). */
  extra?: Partner[];
  timeoutMs?: number;
  seed?: boolean;
  /** Seed files are read for registry partners; extra partners can be given a definition's seed. */
  harvestIntervalMs?: number;
}

export interface TestSystem {
  gatewayUrl: string;
  partners: Map<string, RunningPartner>;
  registry: () => Registry;
  setRegistry(r: Registry): void;
  harvester: Harvester;
  /** Test bodies are read loosely (`any`): the assertions are the type checks. */
  query(query: string, variables?: Record<string, unknown>): Promise<{ status: number; body: any }>;
  stopPartner(id: string): Promise<void>;
  close(): Promise<void>;
}

async function storeFor(partnerId: string, cleanups: (() => Promise<void>)[]): Promise<Store> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) return { kind: "embedded" };
  const name = `t_${partnerId.replace(/-/g, "_")}_${randomUUID().slice(0, 8)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  cleanups.push(async () => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.end();
  });
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { kind: "postgres", url: url.toString() };
}

export async function startSystem(options: SystemOptions = {}): Promise<TestSystem> {
  const base = loadRegistry(DEFAULT_REGISTRY_FILE, "http://127.0.0.1:{port}/graphql");
  const wanted = [...base.partners.filter((p) => p.enabled && (options.only?.(p) ?? true)), ...(options.extra ?? [])];
  let registry = new Registry([...base.partners.filter((p) => wanted.includes(p)), ...(options.extra ?? [])], "unused");
  const current = () => registry;
  const partners = new Map<string, RunningPartner>();
  const cleanups: (() => Promise<void>)[] = [];
  const serviceOptions = (partner: Partner, store: Store) => ({
    partner,
    store,
    logger: logger.child({ partner: partner.id }),
    seed: options.seed ?? true,
    registry: current,
    partnerTimeoutMs: options.timeoutMs ?? 2000,
    // Tests harvest explicitly; the interval only matters for tests that exercise it.
    harvestIntervalMs: options.harvestIntervalMs ?? 3_600_000,
  });
  const startOne = async (partner: Partner) => {
    const built = await buildService(SERVICES[partner.kind], serviceOptions(partner, await storeFor(partner.id, cleanups)));
    const running = await startService(built, { port: 0, host: "127.0.0.1", maxBodyBytes: 262_144 });
    partners.set(partner.id, running);
    return running;
  };
  // Partners first (two at a time: PGlite start-up is CPU-bound), then the catalogue.
  const queue = wanted.filter((p) => p.kind !== "catalogue");
  await Promise.all(
    [0, 1].map(async () => {
      for (let p = queue.shift(); p; p = queue.shift()) await startOne(p);
    }),
  );
  registry = registry.withUrls(Object.fromEntries([...partners].map(([id, r]) => [id, r.url])));
  const catalogue = await startOne(registry.catalogue());
  registry = registry.withUrls({ [catalogue.partner.id]: catalogue.url });
  const harvester = catalogue.background as Harvester;
  await harvester.harvestAll();
  const gateway = await startGateway({ registry: current, timeoutMs: options.timeoutMs ?? 2000, logger, port: 0, host: "127.0.0.1", maxBodyBytes: 262_144 });

  return {
    gatewayUrl: gateway.url,
    partners,
    registry: current,
    setRegistry: (r) => (registry = r),
    harvester,
    async query(query, variables) {
      const res = await fetch(gateway.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
      return { status: res.status, body: (await res.json()) as never };
    },
    async stopPartner(id) {
      const p = partners.get(id);
      if (!p) throw new Error(`no running partner ${id}`);
      await p.close();
      partners.delete(id);
    },
    async close() {
      await gateway.close();
      await Promise.all([...partners.values()].map((p) => p.close()));
      for (const c of cleanups) await c();
    },
  };
}

export type { RunningServer };

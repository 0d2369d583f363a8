// Starts a whole national catalogue in this process for a test: every enabled partner of the
// registry (each its own HTTP server on an ephemeral port, with its own database), the catalogue
// and the gateway. Tests then talk to it over HTTP exactly as a client would.
//
// Store: in-memory PGlite per partner by default; TEST_DATABASE_URL (a PostgreSQL server) gives
// each partner a fresh database on that server instead, dropped at the end.
import pg from "pg";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RegistrySource } from "../../lib/registry/source.ts";
import { formatRegistry } from "../../lib/registry/edit.ts";
import { SchemaChecker } from "../../lib/contract/checker.ts";
import { randomUUID } from "node:crypto";
import { pino } from "pino";
import { DEFAULT_REGISTRY_FILE, loadRegistry, Registry, type Partner } from "../../lib/registry/registry.ts";
import type { Kind } from "../../schema/kinds.ts";
import type { Store } from "../../lib/db/open.ts";
import type { Config } from "../../lib/config.ts";
import {
  buildService,
  startService,
  type AnyRunningService,
  type ServiceDefinition,
} from "../../subgraphs/shared/service.ts";
import { resourcesService } from "../../subgraphs/resources/server.ts";
import { networksService } from "../../subgraphs/networks/server.ts";
import { projectsService } from "../../subgraphs/projects/server.ts";
import { catalogueService } from "../../subgraphs/catalogue/server.ts";
import type { Harvester } from "../../subgraphs/catalogue/harvest/harvester.ts";
import { startGateway, type GatewayOptions, type RunningGateway } from "../../gateway/server.ts";
import type { RunningServer } from "../../lib/http-server.ts";
import { createPrivateKey, createPublicKey, createSecretKey } from "node:crypto";
import { generateDevKeys, type DevKeys } from "../../lib/auth/keys.ts";
import { IdentitySigner, IdentityVerifier } from "../../lib/auth/internal-tokens.ts";
import { userTokenVerifier } from "../../lib/auth/user-tokens.ts";
import { issueToken, type TokenClaims } from "../../lib/auth/dev-tokens.ts";
import type { UnsignedPolicy } from "../../lib/auth/setup.ts";
import { DEFAULT_AUDIENCE } from "../../schema/roles.ts";

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

export type RunningPartner = AnyRunningService;

export interface SystemOptions {
  /** Which registry partners to start (default: every enabled one). */
  only?: (p: Partner) => boolean;
  /** Extra partners not in the registry file (e.g. a partner joining during the test). */
  extra?: Partner[];
  timeoutMs?: number;
  seed?: boolean;
  /** Seed files are read for registry partners; extra partners can be given a definition's seed. */
  harvestIntervalMs?: number;
  /**
   * Serve the registry from a temporary file (with every started partner's real URL) through the
   * live RegistrySource the services use, polled every `registryPollMs`: for tests that edit the
   * registry of a running system. The file's path is `TestSystem.registryFile`.
   */
  liveRegistry?: { pollMs: number };
  /** Check partners' schemas against their contracts (gateway and catalogue), as the services do. */
  schemaChecks?: boolean;
  /** The national catalogue's store (default: like every partner's), e.g. a persistent embedded dataDir. */
  catalogueStore?: Store;
  /** Requests each partner holds in flight at once (SUBGRAPH_MAX_INFLIGHT_REQUESTS; default: no bound). */
  partnerMaxInflight?: number;
  /** What partners do with unsigned requests (default read-only, as in development). */
  unsigned?: UnsignedPolicy;
  /** Every partner's own limits (default: the documented ones, lib/limits/partner.ts). */
  partnerLimits?: Partial<Config>;
  /**
   * Edge limits, rate limiting and admission control of the gateway (default: the documented edge
   * limits, no rate limit and no admission bounds: tests that burst are not load tests).
   */
  gateway?: Pick<GatewayOptions, "edge" | "limiter" | "keyOf" | "singleFetch" | "admission">;
}

export interface TestSystem {
  gatewayUrl: string;
  /** The running gateway (its single-fetch shortcut's counts, for instance). */
  gateway: RunningGateway;
  /** Another gateway over the same partners, configured the same but for `extra`; closed with the system. */
  startGateway(extra?: Partial<GatewayOptions>): Promise<RunningGateway>;
  partners: Map<string, RunningPartner>;
  registry: () => Registry;
  setRegistry(r: Registry): void;
  /** The running catalogue's harvester (a new one after restartCatalogue). */
  harvester: Harvester;
  /**
   * Stops the national catalogue and starts a new catalogue service on the same store (it harvests at
   * start, as a real one does); the gateway is pointed at it and `harvester` becomes its harvester.
   */
  restartCatalogue(): Promise<Harvester>;
  /** With `liveRegistry`: the registry file the running system watches. */
  registryFile?: string;
  /** Test bodies are read loosely (`any`): the assertions are the type checks. */
  query(query: string, variables?: Record<string, unknown>): Promise<{ status: number; body: any }>;
  stopPartner(id: string): Promise<void>;
  close(): Promise<void>;
  /** This system's keys (fresh per system): sign tokens the gateway accepts, or forge ones it must refuse. */
  keys: DevKeys;
  /** A user token this system's gateway accepts (expiresIn negative: already expired). */
  token(
    claims: TokenClaims,
    options?: { expiresIn?: number | string; audience?: string; secret?: string },
  ): Promise<string>;
  /** A GraphQL request to the gateway as the holder of `token`. */
  queryAs(
    token: string | undefined,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<{ status: number; body: any }>;
  /** A signer with the gateway's key, to call a partner directly as the gateway would. */
  signer: IdentitySigner;
  /** A signer with the national catalogue's own key, to call a partner as the catalogue would. */
  catalogueSigner: IdentitySigner;
}

/** A partner's store for a test: embedded, or a fresh database on TEST_DATABASE_URL (dropped by a cleanup pushed here). */
export async function storeFor(partnerId: string, cleanups: (() => Promise<void>)[]): Promise<Store> {
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
  const keys = generateDevKeys();
  const signer = new IdentitySigner(createPrivateKey(keys.signingKey));
  // The national catalogue signs its own calls with its own key, as deployed (lib/auth/setup.ts).
  const catalogueSigner = new IdentitySigner(createPrivateKey(keys.catalogueSigningKey), "catalogue");
  const checker = options.schemaChecks
    ? new SchemaChecker(options.timeoutMs ?? 2000, 300_000, logger, signer)
    : undefined;
  const catalogueChecker = options.schemaChecks
    ? new SchemaChecker(options.timeoutMs ?? 2000, 300_000, logger, catalogueSigner)
    : undefined;
  const verifyKeys = { gateway: createPublicKey(keys.verifyKey), catalogue: createPublicKey(keys.catalogueVerifyKey) };
  const users = userTokenVerifier(
    { kind: "secret", key: createSecretKey(Buffer.from(keys.authSecret, "utf8")) },
    { audience: DEFAULT_AUDIENCE },
  );
  const serviceOptions = (partner: Partner, store: Store) => ({
    auth: {
      verifier: new IdentityVerifier(verifyKeys, partner.id),
      unsigned: options.unsigned ?? ("read-only" as const),
      ...(partner.kind === "catalogue" ? { signer: catalogueSigner, users } : {}),
    },
    partner,
    store,
    logger: logger.child({ partner: partner.id }),
    seed: options.seed ?? true,
    registry: current,
    partnerTimeoutMs: options.timeoutMs ?? 2000,
    checker: partner.kind === "catalogue" ? catalogueChecker : checker,
    // Tests harvest explicitly; the interval only matters for tests that exercise it.
    harvestIntervalMs: options.harvestIntervalMs ?? 3_600_000,
    limits: options.partnerLimits,
  });
  const stores = new Map<string, Store>();
  const startOne = async (partner: Partner) => {
    let store = stores.get(partner.id);
    if (!store) {
      store =
        partner.kind === "catalogue" && options.catalogueStore
          ? options.catalogueStore
          : await storeFor(partner.id, cleanups);
      stores.set(partner.id, store);
    }
    const built = await buildService(SERVICES[partner.kind], serviceOptions(partner, store));
    const running = await startService(built, {
      port: 0,
      host: "127.0.0.1",
      maxBodyBytes: 262_144,
      maxInflightRequests: options.partnerMaxInflight,
    });
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
  let registryFile: string | undefined;
  if (options.liveRegistry) {
    const dir = mkdtempSync(join(tmpdir(), "registry-"));
    registryFile = join(dir, "partners.json");
    writeFileSync(registryFile, formatRegistry({ partners: registry.partners.map((p) => ({ ...p })) }));
    const source = new RegistrySource(registryFile, "http://127.0.0.1:{port}/graphql", logger).watch(
      options.liveRegistry.pollMs,
    );
    registry = source.current();
    cleanups.push(async () => {
      source.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    // From here on every service reads the file's registry, as they do in production.
    const follow = setInterval(() => (registry = source.current()), options.liveRegistry.pollMs);
    follow.unref();
    cleanups.push(async () => clearInterval(follow));
  }
  // The harvest the catalogue starts with reads every partner from the beginning.
  await (catalogue.background as Harvester).idle();
  const startOwnGateway = (extra: Partial<GatewayOptions> = {}) =>
    startGateway({
      registry: current,
      timeoutMs: options.timeoutMs ?? 2000,
      logger,
      port: 0,
      host: "127.0.0.1",
      maxBodyBytes: 262_144,
      checker: checker,
      auth: { users, signer },
      admission: { maxInflightRequests: 0, maxInflightBytes: 0, maxResponseBytes: 0 },
      ...options.gateway,
      ...extra,
    });
  const gateway = await startOwnGateway();
  const extraGateways: RunningServer[] = [];
  const post = async (headers: Record<string, string>, query: string, variables?: Record<string, unknown>) => {
    // A GraphQL-over-HTTP client: request errors come back 4xx (application/json would answer them 200).
    const accept = "application/graphql-response+json, application/json;q=0.9";
    const res = await fetch(gateway.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept, ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, body: (await res.json()) as never };
  };

  const system: TestSystem = {
    gatewayUrl: gateway.url,
    gateway,
    async startGateway(extra) {
      const g = await startOwnGateway(extra);
      extraGateways.push(g);
      return g;
    },
    registryFile,
    partners,
    registry: current,
    setRegistry: (r) => (registry = r),
    harvester: catalogue.background as Harvester,
    async restartCatalogue() {
      const id = registry.catalogue().id;
      const store = stores.get(id);
      // A catalogue on an in-memory store would come back empty: only a persistent one is restarted.
      if (!store || (store.kind === "embedded" && !store.dataDir))
        throw new Error("restartCatalogue needs a persistent catalogueStore");
      await partners.get(id)?.close();
      partners.delete(id);
      const next = await startOne(registry.catalogue());
      registry = registry.withUrls({ [id]: next.url });
      system.harvester = next.background as Harvester;
      return system.harvester;
    },
    query: (query, variables) => post({}, query, variables),
    queryAs: (token, query, variables) => post(token ? { authorization: `Bearer ${token}` } : {}, query, variables),
    keys,
    signer,
    catalogueSigner,
    token: (claims, o = {}) =>
      issueToken(claims, {
        secret: o.secret ?? keys.authSecret,
        audience: o.audience ?? DEFAULT_AUDIENCE,
        expiresIn: o.expiresIn ?? "1h",
      }),
    async stopPartner(id) {
      const p = partners.get(id);
      if (!p) throw new Error(`no running partner ${id}`);
      await p.close();
      partners.delete(id);
    },
    async close() {
      await gateway.close();
      for (const g of extraGateways) await g.close();
      await Promise.all([...partners.values()].map((p) => p.close()));
      for (const c of cleanups) await c();
    },
  };
  return system;
}

export type { RunningServer };

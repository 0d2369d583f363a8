// The gateway bench's deployment and data: one national catalogue and seven partners (two
// resources, two networks, three projects), each its own service and database, filled with
// generated data that looks like the real thing (projects with measures and PDSA cycles, linked
// to resources and networks with members). Nothing here is timed.
//
// The "-a" partners form a one-partner-per-kind deployment on their own: their projects link only
// to their resources and networks, so a gateway that sends every entity of a kind to one URL (a
// default @apollo/gateway, Hive Gateway) answers the single-entity and deep scenarios correctly.
// The national search page deliberately spans all seven partners.
import { createPrivateKey, createPublicKey, randomUUID } from "node:crypto";
import { generateDevKeys, type DevKeys } from "../../../lib/auth/keys.ts";
import { IdentitySigner, IdentityVerifier } from "../../../lib/auth/internal-tokens.ts";
import pg from "pg";
import { pino } from "pino";
import { Registry, type Partner } from "../../../lib/registry/registry.ts";
import { formatId } from "../../../schema/ids.ts";
import type { Kind } from "../../../schema/kinds.ts";
import type { Store } from "../../../lib/db/open.ts";
import {
  buildService,
  startService,
  type AnyRunningService,
  type ServiceDefinition,
} from "../../../subgraphs/shared/service.ts";
import { resourcesService } from "../../../subgraphs/resources/server.ts";
import { networksService } from "../../../subgraphs/networks/server.ts";
import { projectsService } from "../../../subgraphs/projects/server.ts";
import { catalogueService } from "../../../subgraphs/catalogue/server.ts";
import type { Harvester } from "../../../subgraphs/catalogue/harvest/harvester.ts";
import { resourceSeed } from "../../../subgraphs/resources/seed-schema.ts";
import { createResources } from "../../../subgraphs/resources/data/resources.ts";
import { networksSeedFile } from "../../../subgraphs/networks/seed-schema.ts";
import { writeNetworks } from "../../../subgraphs/networks/seed.ts";
import { projectSeed } from "../../../subgraphs/projects/seed-schema.ts";
import { writeProjects } from "../../../subgraphs/projects/seed.ts";
import { day } from "../../../subgraphs/shared/values.ts";
import { TOPIC_IDS, DRIVER_IDS, SETTING_IDS } from "../../../schema/vocabulary.ts";

const SERVICES: Record<Kind, ServiceDefinition<any, any>> = {
  resources: resourcesService,
  networks: networksService,
  projects: projectsService,
  catalogue: catalogueService,
};

const entry = (id: string, kind: Kind, organisation: string, region: Partner["region"]): Partner => ({
  id,
  name: `Bench ${id}`,
  organisation,
  kind,
  port: 1,
  region,
  enabled: true,
  url: "http://unused",
});

export const BENCH_PARTNERS: Partner[] = [
  entry("bench-catalogue", "catalogue", "nhs-england", "national"),
  entry("bench-res-a", "resources", "nhs-england", "national"),
  entry("bench-res-b", "resources", "nhs-leadership-academy", "national"),
  entry("bench-net-a", "networks", "slpsc", "london"),
  entry("bench-net-b", "networks", "partners-in-care", "south-west"),
  entry("bench-proj-a", "projects", "essex-cc", "east-of-england"),
  entry("bench-proj-b", "projects", "bridgewater", "north-west"),
  entry("bench-proj-c", "projects", "partners-in-care", "south-west"),
].map((p, i) => ({ ...p, port: 5000 + i }));

/** The one-partner-per-kind deployment that single-URL gateways are pointed at. */
export const ONE_PER_KIND: Record<Kind, string> = {
  catalogue: "bench-catalogue",
  resources: "bench-res-a",
  networks: "bench-net-a",
  projects: "bench-proj-a",
};

export const SIZES = { resources: 40, networks: 10, projects: 30, members: 20, measures: 3, points: 24 } as const;

// Titles are numbered round-robin over the seven partners, so a search sorted by title interleaves
// them: any page of seven or more items names every partner.
const ITEM_PARTNERS = BENCH_PARTNERS.filter((p) => p.kind !== "catalogue").map((p) => p.id);
function title(partner: string, k: number, noun: string): string {
  const g = k * ITEM_PARTNERS.length + ITEM_PARTNERS.indexOf(partner);
  return `Bench item ${String(g).padStart(3, "0")}: ${noun} ${k}`;
}
const pick = <T>(list: readonly T[], i: number) => list[i % list.length]!;
const group = (partner: string) => partner.slice(-1); // "a", "b" or "c"
const resourcesOf = (g: string) => (g === "a" ? "bench-res-a" : "bench-res-b");
const networksOf = (g: string) => (g === "a" ? "bench-net-a" : "bench-net-b");

function resources(partner: string) {
  return Array.from({ length: SIZES.resources }, (_, k) => {
    const r = resourceSeed.parse({
      local: `r${String(k).padStart(2, "0")}`,
      title: title(partner, k, "falls prevention guide"),
      summary: `A guide to reducing falls in care homes, number ${k}.`,
      kind: pick(["GUIDE", "TOOLKIT", "CASE_STUDY", "EVIDENCE"], k),
      url: `https://example.org/${partner}/r${k}`,
      body: "Steps, evidence and worked examples. ".repeat(20),
      topics: [pick(TOPIC_IDS, k)],
      drivers: [pick(DRIVER_IDS, k)],
      settings: [pick(SETTING_IDS, k)],
      publishedOn: `2025-${String((k % 12) + 1).padStart(2, "0")}-01`,
    });
    const { publisher, publishedOn, ...rest } = r;
    return { ...rest, publisherId: publisher, publishedOn: day(publishedOn) };
  });
}

function networks(partner: string) {
  return networksSeedFile.parse({
    networks: Array.from({ length: SIZES.networks }, (_, k) => ({
      local: `n${String(k).padStart(2, "0")}`,
      title: title(partner, k, "registered managers network"),
      summary: `Registered managers sharing improvement work, group ${k}.`,
      type: pick(["COMMUNITY_OF_PRACTICE", "REGISTERED_MANAGER_NETWORK", "PRACTITIONER_NETWORK"], k),
      region: "london",
      topics: [pick(TOPIC_IDS, k)],
      meets: "Monthly, online",
      members: Array.from({ length: SIZES.members }, (_, m) => ({
        name: `Member ${k}-${m}`,
        role: pick(["Registered manager", "Quality lead", "Nurse", "Data analyst"], m),
        expertise: ["falls", "run charts"].slice(0, (m % 2) + 1),
        offersCoaching: m % 3 === 0,
      })),
      events: [0, 1, 2].map((e) => ({
        title: `Meeting ${e}`,
        startsAt: `2026-0${e + 1}-15T10:00:00Z`,
        format: "ONLINE",
      })),
    })),
  });
}

function projects(partner: string) {
  const g = group(partner);
  return Array.from({ length: SIZES.projects }, (_, k) =>
    projectSeed.parse({
      local: `p${String(k).padStart(2, "0")}`,
      title: title(partner, k, "care home falls project"),
      summary: `Reducing falls in care homes, site ${k}.`,
      aim: `Reduce falls by ${10 + (k % 20)}% in twelve months`,
      status: pick(["PLANNING", "ACTIVE", "SUSTAINING", "COMPLETED"], k),
      region: "east-of-england",
      topics: [pick(TOPIC_IDS, k)],
      drivers: [pick(DRIVER_IDS, k)],
      settings: [pick(SETTING_IDS, k)],
      startedOn: "2025-01-01",
      network: formatId(networksOf(g), "networks", `n${String(k % SIZES.networks).padStart(2, "0")}`),
      team: [0, 1, 2].map((t) => ({ name: `Team member ${k}-${t}`, role: pick(["Lead", "Analyst", "Sponsor"], t) })),
      resources: [0, 1, 2, 3].map((r) => ({
        resource: formatId(resourcesOf(g), "resources", `r${String((k * 4 + r) % SIZES.resources).padStart(2, "0")}`),
        relation: r === 0 ? "PRODUCED" : "USED",
      })),
      measures: Array.from({ length: SIZES.measures }, (_, m) => ({
        name: `Measure ${m}`,
        unit: "falls per 1000 bed days",
        improvement: "DECREASE",
        illustrative: true,
        points: Array.from({ length: SIZES.points }, (_, p) => ({
          date: `${2024 + Math.floor(p / 12)}-${String((p % 12) + 1).padStart(2, "0")}-01`,
          value: 10 + ((p * 7 + m * 3 + k) % 9) - p / 6,
        })),
      })),
      pdsaCycles: [1, 2, 3].map((n) => ({
        number: n,
        title: `Cycle ${n}`,
        plan: "Try a falls huddle at shift change",
        startedOn: "2025-03-01",
      })),
      progress: [{ score: 2.5, recordedOn: "2025-06-01" }],
      learning: [{ kind: "WORKED", text: "Daily huddles kept the focus on falls." }],
    }),
  );
}

export interface Deployment {
  registry: Registry;
  /** Partner id → its service (with `db.statements`, the statement counter of its database). */
  partners: Map<string, AnyRunningService>;
  /** The identity keys: our gateway signs forwards with them, the bench issues its editor's token. */
  keys: DevKeys;
  close(): Promise<void>;
}

/** A fresh database per partner on a PostgreSQL server (dropped at close), as tests/support/system.ts does. */
async function postgresStore(serverUrl: string, partnerId: string, cleanups: (() => Promise<void>)[]): Promise<Store> {
  const name = `bench_${partnerId.replace(/-/g, "_")}_${randomUUID().slice(0, 8)}`;
  const run = async (sql: string) => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await run(`CREATE DATABASE "${name}"`);
  cleanups.push(() => run(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { kind: "postgres", url: url.toString() };
}

/** Starts, seeds and harvests the bench deployment in this process (embedded stores unless `postgresUrl`). */
export async function startDeployment(
  postgresUrl: string | undefined,
  say: (msg: string) => void,
): Promise<Deployment> {
  const logger = pino({ level: "silent" });
  let registry = new Registry(BENCH_PARTNERS, "unused");
  const cleanups: (() => Promise<void>)[] = [];
  const partners: Deployment["partners"] = new Map();
  // Identity as deployed: partners verify the gateway's signed forwards (writes need them) and serve
  // unsigned reads, as in development, so that the peer gateways can read too.
  const keys = generateDevKeys();
  const signer = new IdentitySigner(createPrivateKey(keys.signingKey));
  const verifyKey = createPublicKey(keys.verifyKey);
  const start = async (partner: Partner) => {
    const store = postgresUrl
      ? await postgresStore(postgresUrl, partner.id, cleanups)
      : ({ kind: "embedded" } as const);
    const built = await buildService(SERVICES[partner.kind], {
      partner,
      store,
      logger,
      seed: false,
      registry: () => registry,
      partnerTimeoutMs: 30_000,
      harvestIntervalMs: 86_400_000,
      auth: {
        verifier: new IdentityVerifier(verifyKey, partner.id),
        unsigned: "read-only",
        ...(partner.kind === "catalogue" ? { signer } : {}),
      },
      // The direct baseline calls the owners unsigned, thousands of times a minute: not a caller to throttle.
      limits: { PARTNER_RATE_LIMIT_REQUESTS: 0 },
    });
    const prisma = built.db.prisma as never;
    if (partner.kind === "resources") await createResources(prisma, resources(partner.id));
    if (partner.kind === "networks") await writeNetworks(prisma, networks(partner.id));
    if (partner.kind === "projects") await writeProjects(prisma, projects(partner.id));
    const running = await startService(built, { port: 0, host: "127.0.0.1", maxBodyBytes: 1_000_000 });
    partners.set(partner.id, running);
    return running;
  };
  say(
    `starting ${BENCH_PARTNERS.length - 1} partners and the catalogue (${postgresUrl ? "PostgreSQL" : "embedded"} stores), seeding`,
  );
  // Two at a time: PGlite start-up is CPU-bound (as in tests/support/system.ts).
  const queue = BENCH_PARTNERS.filter((p) => p.kind !== "catalogue");
  await Promise.all(
    [0, 1].map(async () => {
      for (let p = queue.shift(); p; p = queue.shift()) await start(p);
    }),
  );
  registry = registry.withUrls(Object.fromEntries([...partners].map(([id, r]) => [id, r.url])));
  const catalogue = await start(registry.catalogue());
  registry = registry.withUrls({ [catalogue.partner.id]: catalogue.url });
  // The catalogue's start-up harvest, which read every partner.
  await (catalogue.background as Harvester).idle();
  return {
    registry,
    partners,
    keys,
    close: async () => {
      await Promise.all([...partners.values()].map((p) => p.close()));
      for (const c of cleanups) await c();
    },
  };
}

/** Each partner's statement count so far. */
export function statementCounts(d: Deployment): Map<string, number> {
  return new Map([...d.partners].map(([id, p]) => [id, p.db.statements.count]));
}

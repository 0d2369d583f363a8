// Harvest benchmark: N resources spread over P simulated partners (real resources services, each
// with its own embedded database and HTTP server on loopback) harvested by a real catalogue, side
// by side with the physical limit on this machine: the same rows written straight into the same
// kind of database with the same statement, in large batches, with no partner and no HTTP.
import { pino } from "pino";
import { Registry, type Partner } from "../../lib/registry/registry.ts";
import { TOPIC_IDS, DRIVER_IDS, SETTING_IDS } from "../../schema/vocabulary.ts";
import { formatId } from "../../schema/ids.ts";
import { buildService, startService } from "../../subgraphs/shared/service.ts";
import { resourcesService } from "../../subgraphs/resources/server.ts";
import { catalogueService } from "../../subgraphs/catalogue/server.ts";
import type { Harvester } from "../../subgraphs/catalogue/harvest/harvester.ts";
import { upsertItems, type IndexedItem } from "../../subgraphs/catalogue/data/items.ts";
import { facetsOf } from "../../subgraphs/catalogue/harvest/facets.ts";

const logger = pino({ level: "silent" });
const WORDS =
  "falls pressure ulcers sepsis delirium maternity care homes leadership data analysis run chart improvement safety culture huddle toolkit guide evidence community network learning".split(
    " ",
  );

function resource(i: number) {
  const pick = <T>(list: readonly T[], k: number) => list[(i * 7 + k * 13) % list.length]!;
  const words = Array.from({ length: 12 }, (_, k) => pick(WORDS, k)).join(" ");
  return {
    local: `r${i}`,
    title: `Generated resource ${i}: ${pick(WORDS, 1)} ${pick(WORDS, 2)}`,
    summary: `A generated ${pick(WORDS, 3)} resource about ${words}.`,
    kind: "GUIDE",
    body: `${words} ${words}`,
    topics: [pick(TOPIC_IDS, 1)],
    drivers: [pick(DRIVER_IDS, 2)],
    settings: [pick(SETTING_IDS, 3)],
    audience: [],
    status: "PUBLISHED",
  };
}

export interface HarvestBenchResult {
  items: number;
  partners: number;
  harvestSeconds: number;
  harvestRate: number;
  bulkSeconds: number;
  bulkRate: number;
  ratio: number;
  indexed: number;
}

export async function benchHarvest(
  items: number,
  partnerCount: number,
  say: (msg: string) => void = () => {},
): Promise<HarvestBenchResult> {
  const perPartner = Math.ceil(items / partnerCount);
  const entries: Partner[] = [
    {
      id: "bench-catalogue",
      name: "Bench catalogue",
      organisation: "nhs-england",
      kind: "catalogue",
      port: 1,
      region: "national",
      enabled: true,
      url: "http://unused",
    },
    ...Array.from({ length: partnerCount }, (_, i) => ({
      id: `bench-r${String(i + 1).padStart(2, "0")}`,
      name: `Bench resources ${i + 1}`,
      organisation: "nhs-england",
      kind: "resources" as const,
      port: 2 + i,
      region: "national" as const,
      enabled: true,
      url: "http://unused",
    })),
  ];
  // Until the partners are seeded, the registry holds only the catalogue: a catalogue harvests at
  // start, and that harvest must not be one of the measured ones (or an unmeasured extra).
  let registry = new Registry(
    entries.filter((e) => e.kind === "catalogue"),
    "unused",
  );
  const current = () => registry;
  const options = (partner: Partner) => ({
    partner,
    store: { kind: "embedded" } as const,
    logger,
    seed: false,
    registry: current,
    partnerTimeoutMs: 60_000,
    harvestIntervalMs: 86_400_000,
  });

  say(`seeding ${partnerCount} partners with ${perPartner} resources each`);
  const partners = [];
  for (const p of entries.filter((e) => e.kind === "resources")) {
    const built = await buildService(resourcesService, options(p));
    const offset = partners.length * perPartner;
    const rows = Array.from({ length: perPartner }, (_, k) => resource(offset + k));
    for (let k = 0; k < rows.length; k += 5000)
      await built.db.prisma.resource.createMany({ data: rows.slice(k, k + 5000) });
    partners.push(await startService(built, { port: 0, host: "127.0.0.1", maxBodyBytes: 1_000_000 }));
  }
  // The harvest: a real catalogue reading every partner's feed over HTTP, from empty.
  const catalogue = await buildService(catalogueService, options(registry.catalogue()));
  const harvester = catalogue.background as Harvester;
  const bulk = await buildService(catalogueService, options(registry.catalogue()));
  await Promise.all([harvester.idle(), (bulk.background as Harvester).idle()]);
  registry = new Registry(entries, "unused").withUrls(Object.fromEntries(partners.map((p) => [p.partner.id, p.url])));
  say("harvesting every partner over HTTP");
  const t0 = performance.now();
  await harvester.harvestAll();
  const harvestSeconds = (performance.now() - t0) / 1000;
  const [{ n: indexed }] = (await catalogue.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Item"`)) as [
    { n: number },
  ];

  // The limit: the same rows, same statement, same kind of database, big batches, no HTTP.
  const now = new Date().toISOString();
  const rows: IndexedItem[] = partners.flatMap((p, pi) =>
    Array.from({ length: perPartner }, (_, k) => {
      const r = resource(pi * perPartner + k);
      const base = {
        id: formatId(p.partner.id, "resources", r.local),
        typename: "Resource" as const,
        partnerId: p.partner.id,
        organisationId: "nhs-england",
        title: r.title,
        summary: r.summary,
        body: r.body,
        topics: r.topics,
        settings: r.settings,
        drivers: r.drivers,
        regionId: "national",
        networkId: null,
        resourceIds: [],
        linkedIds: [],
        updatedAt: now,
      };
      return { ...base, facets: facetsOf(base as never, ["resourceKind:GUIDE"]) } as IndexedItem;
    }),
  );
  say("writing the same rows directly (the limit)");
  const t1 = performance.now();
  for (let k = 0; k < rows.length; k += 1000) await upsertItems(bulk.db.sql, rows.slice(k, k + 1000), new Date());
  const bulkSeconds = (performance.now() - t1) / 1000;

  await Promise.all([...partners.map((p) => p.close()), catalogue.shutdown(), bulk.shutdown()]);
  const total = perPartner * partnerCount;
  const harvestRate = total / harvestSeconds;
  const bulkRate = total / bulkSeconds;
  return {
    items: total,
    partners: partnerCount,
    harvestSeconds,
    harvestRate,
    bulkSeconds,
    bulkRate,
    ratio: harvestRate / bulkRate,
    indexed,
  };
}

// A page of the change feed can be too costly for a partner's own limits (lib/limits/partner.ts:
// projects with many measures each priced by their analysis). The harvester then asks for the same
// position in halves, down to one entry, so the index never stops growing at a heavy page; the
// reconciliation reads items back the same way.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Writable } from "node:stream";
import { pino } from "pino";
import { startSystem, type TestSystem } from "../support/system.ts";
import { Harvester } from "../../subgraphs/catalogue/harvest/harvester.ts";
import type { PrismaClient as CatalogueDb } from "../../subgraphs/catalogue/generated/prisma/client.ts";
import type { PrismaClient as ProjectsDb } from "../../subgraphs/projects/generated/prisma/client.ts";
import type { OpenedDatabase } from "../../lib/db/open.ts";

let sys: TestSystem;
// Low enough that the harvester's page of 200 is refused (a project entry is estimated at about 2,100:
// ten measures assumed, each `spc` costing 200 in the contract), high enough for one at a time.
const LIMIT = 4_000;

beforeAll(async () => {
  sys = await startSystem({
    only: (p) => p.id === "essex-cc" || p.kind === "catalogue",
    partnerLimits: { CATALOGUE_MAX_QUERY_COST: LIMIT },
  });
}, 180_000);
afterAll(async () => {
  await sys?.close();
});

describe("a feed page over the partner's cost limit", () => {
  it("is asked for again in halves, and every item is indexed", async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({ write: (chunk, _, done) => (lines.push(JSON.parse(String(chunk))), done()) });
    const catalogue = sys.partners.get("national-catalogue")!.db as unknown as OpenedDatabase<CatalogueDb>;
    const projects = sys.partners.get("essex-cc")!.db as unknown as OpenedDatabase<ProjectsDb>;
    await catalogue.prisma.harvestState.deleteMany({});
    await catalogue.prisma.item.deleteMany({});
    const harvester = new Harvester(
      catalogue,
      sys.registry,
      5000,
      pino({ level: "info" }, sink),
      undefined,
      sys.catalogueSigner,
    );
    const [report] = (await harvester.harvestAll()).filter((r) => r.partner === "essex-cc");
    expect(report, JSON.stringify(report)).toMatchObject({ ok: true });
    const published = await projects.prisma.project.count({ where: { publication: "PUBLISHED" } });
    expect(published).toBeGreaterThan(1);
    expect(await catalogue.prisma.item.count({ where: { partnerId: "essex-cc" } })).toBe(published);
    // The whole page was refused at least once, and smaller ones asked for instead.
    const halved = lines.filter((l) => l.msg === "feed page over the partner's limits; asking for fewer entries");
    expect(halved.length).toBeGreaterThan(0);
    expect(halved[0]).toMatchObject({ harvested: "essex-cc", first: 200 });

    // Reconciliation reads missing items back in batches the partner also refuses whole: in halves too.
    await catalogue.prisma.item.deleteMany({ where: { partnerId: "essex-cc" } });
    const reconciled = (await harvester.reconcileAll()).find((r) => r.partner === "essex-cc");
    expect(reconciled?.reconciled, JSON.stringify(reconciled)).toMatchObject({ ok: true, missing: published });
    expect(await catalogue.prisma.item.count({ where: { partnerId: "essex-cc" } })).toBe(published);
  });
});

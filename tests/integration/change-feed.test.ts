// Change feeds with deletions: each partner serves the changes to its items (upserts and removals)
// after a cursor, and the catalogue harvests only what changed. Deleted items (tombstones) and
// resources turned back to draft leave the national index; an unchanged partner costs one empty page;
// a harvest that stops resumes after the last written page; a restarted catalogue resumes from its
// stored cursor. Partners are changed through their data modules on their own databases.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import { startSystem, type TestSystem } from "../support/system.ts";
import type { PrismaClient as ResourcesDb } from "../../subgraphs/resources/generated/prisma/client.ts";
import type { PrismaClient as NetworksDb } from "../../subgraphs/networks/generated/prisma/client.ts";
import type { PrismaClient as ProjectsDb } from "../../subgraphs/projects/generated/prisma/client.ts";
import type { PrismaClient as CatalogueDb } from "../../subgraphs/catalogue/generated/prisma/client.ts";
import type { OpenedDatabase } from "../../lib/db/open.ts";
import { createResources, removeResource } from "../../subgraphs/resources/data/resources.ts";
import { removeNetwork } from "../../subgraphs/networks/data/networks.ts";
import type { PrismaClient as ResourcesClient } from "../../subgraphs/resources/generated/prisma/client.ts";
import type { PrismaClient as NetworksClient } from "../../subgraphs/networks/generated/prisma/client.ts";
import { removeProject } from "../../subgraphs/projects/data/projects.ts";
import type { PrismaClient as ProjectsClient } from "../../subgraphs/projects/generated/prisma/client.ts";
import { addLearning } from "../../subgraphs/projects/data/project-writes.ts";
import { writeProjects } from "../../subgraphs/projects/seed.ts";
import { projectSeed } from "../../subgraphs/projects/seed-schema.ts";
import { Harvester, type HarvestReport } from "../../subgraphs/catalogue/harvest/harvester.ts";
import { FEED_QUERY } from "../../subgraphs/catalogue/harvest/feeds.ts";
import { upsertItems } from "../../subgraphs/catalogue/data/items.ts";
import { callPartner } from "../../lib/partner-client.ts";
import type { PartnerKind } from "../../schema/kinds.ts";

// Deletes as the delete mutations do (with the tombstone), each in a transaction of its own.
const deleteResource = (prisma: ResourcesClient, local: string) =>
  prisma.$transaction((tx) => removeResource(tx, local));
const deleteNetwork = (prisma: NetworksClient, local: string) => prisma.$transaction((tx) => removeNetwork(tx, local));
const deleteProject = (prisma: ProjectsClient, local: string) => prisma.$transaction((tx) => removeProject(tx, local));

const PARTNERS = ["improvement-hub", "leadership-academy", "slpsc", "essex-cc", "national-catalogue"];
const HARVESTED = PARTNERS.filter((p) => p !== "national-catalogue");

let sys: TestSystem;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "change-feed-catalogue-"));
  sys = await startSystem({
    only: (p) => PARTNERS.includes(p.id),
    catalogueStore: { kind: "embedded", dataDir: join(dataDir, "national-catalogue") },
  });
});
afterAll(async () => {
  await sys?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const db = <C>(id: string) => sys.partners.get(id)!.db as unknown as OpenedDatabase<C>;
const resources = (id: string) => db<ResourcesDb>(id).prisma;
const catalogue = () => db<CatalogueDb>("national-catalogue");

/** One harvest of every partner: its reports and the feed requests it made, by partner. */
async function harvest() {
  const before = new Map(sys.harvester.feedRequests);
  const reports = await sys.harvester.harvestAll();
  const byPartner = new Map<string, HarvestReport>(reports.map((r) => [r.partner, r]));
  const requests = new Map(
    HARVESTED.map((id) => [id, (sys.harvester.feedRequests.get(id) ?? 0) - (before.get(id) ?? 0)]),
  );
  return { byPartner, requests };
}

/** The ids the national index lists for a partner. */
async function indexed(partner: string): Promise<string[]> {
  const { body } = await sys.query(
    `query($p: ID!) { search(filter: { partners: [$p] }, first: 100) { edges { node { id } } } }`,
    { p: partner },
  );
  expect(body.errors).toBeUndefined();
  return body.data.search.edges.map((e: any) => e.node.id);
}

/**
 * A partner's change feed read directly (the @inaccessible field is served by the partner itself), as
 * the catalogue reads it (signed), or `unsigned` as anyone could in a partner's read-only mode.
 */
async function feed(partner: string, kind: PartnerKind, first: number, after: string | null = null, unsigned = false) {
  const { field, query } = FEED_QUERY[kind];
  const headers = unsigned ? {} : await sys.signer.headers({ kind: "service", service: "harvest" }, partner);
  const response = await callPartner(
    sys.partners.get(partner)!.url,
    { query, variables: { first, after } },
    5000,
    headers,
  );
  expect(response.errors).toBeUndefined();
  return (response.data as any)[field] as {
    entries: { id: string; changedAt: string; removed: boolean; node: any }[];
    endCursor: string | null;
    hasNextPage: boolean;
    remaining: number;
  };
}

async function readWholeFeed(partner: string, kind: PartnerKind, unsigned = false) {
  const entries = [];
  let after: string | null = null;
  for (;;) {
    const page: Awaited<ReturnType<typeof feed>> = await feed(partner, kind, 7, after, unsigned);
    entries.push(...page.entries);
    if (!page.hasNextPage) return entries;
    after = page.endCursor;
  }
}

describe("the change feed a partner serves", () => {
  it("lists each item once, carries nodes for upserts only, and counts what remains", async () => {
    const entries = await readWholeFeed("improvement-hub", "resources");
    expect(new Set(entries.map((e) => e.id)).size).toBe(entries.length);
    for (const e of entries) expect(e.node === null, e.id).toBe(e.removed);
    // The seed's draft is in the feed as a removal, with no node: the feed never carries drafts.
    expect(entries.find((e) => e.id === "improvement-hub:resource:knowledge-spread-and-adoption")).toMatchObject({
      removed: true,
      node: null,
    });
    const first = await feed("improvement-hub", "resources", 5);
    expect(first).toMatchObject({ hasNextPage: true, remaining: entries.length - 5 });
  });

  it("reveals no draft's or deleted item's id to an unsigned caller (read-only mode)", async () => {
    const hub = db<ResourcesDb>("improvement-hub").prisma;
    await hub.resource.update({
      where: { local: "knowledge-spread-and-adoption" },
      data: { summary: "Still a draft, edited" },
    });
    await createResources(hub, [
      { local: "draft-to-delete", title: "Draft about to go", kind: "GUIDE", status: "DRAFT" },
    ]);
    await deleteResource(hub, "draft-to-delete");
    const drafts = (await hub.resource.findMany({ where: { status: { not: "PUBLISHED" } } })).map(
      (r) => `improvement-hub:resource:${r.local}`,
    );
    expect(drafts).toContain("improvement-hub:resource:knowledge-spread-and-adoption");
    const signed = await readWholeFeed("improvement-hub", "resources");
    const anonymous = await readWholeFeed("improvement-hub", "resources", true);
    // The catalogue still learns of both; an unsigned reader of neither, but of every published item.
    expect(signed.filter((e) => e.removed).map((e) => e.id)).toEqual(
      expect.arrayContaining([...drafts, "improvement-hub:resource:draft-to-delete"]),
    );
    expect(anonymous.filter((e) => e.removed)).toEqual([]);
    expect(anonymous.map((e) => e.id)).not.toContain("improvement-hub:resource:draft-to-delete");
    for (const d of drafts) expect(anonymous.map((e) => e.id)).not.toContain(d);
    expect(anonymous.map((e) => e.id).sort()).toEqual(
      signed
        .filter((e) => !e.removed)
        .map((e) => e.id)
        .sort(),
    );
  });

  it("costs the same number of statements for a page of 2 and a page of 6, in every kind", async () => {
    // Enough projects at Essex for two full pages.
    const projects = Array.from({ length: 10 }, (_, i) =>
      projectSeed.parse({
        local: `feed-${i}`,
        title: `Feed project ${i}`,
        summary: "A generated project for counting feed statements.",
        aim: "Reduce falls by 10% in twelve months",
        status: "ACTIVE",
        region: "east-of-england",
        network: "slpsc:network:maternity-cop",
        resources: [{ resource: "improvement-hub:resource:improvement-hub", relation: "USED" }],
        measures: [
          {
            name: "Falls",
            unit: "count",
            improvement: "DECREASE",
            illustrative: true,
            points: [{ date: "2026-01-01", value: 3 }],
          },
        ],
        learning: [{ kind: "INSIGHT", text: "Huddles help." }],
      }),
    );
    await writeProjects(db<ProjectsDb>("essex-cc").prisma, projects);
    const statementsFor = async (partner: string, kind: PartnerKind, first: number) => {
      const counter = sys.partners.get(partner)!.db.statements;
      const before = counter.count;
      const page = await feed(partner, kind, first);
      expect(page.entries).toHaveLength(first);
      expect(page.hasNextPage).toBe(true);
      return counter.count - before;
    };
    for (const [partner, kind] of [
      ["improvement-hub", "resources"],
      ["slpsc", "networks"],
      ["essex-cc", "projects"],
    ] as const) {
      await statementsFor(partner, kind, 1); // warm-up
      const small = await statementsFor(partner, kind, 2);
      const large = await statementsFor(partner, kind, 6);
      expect(large, partner).toBe(small);
      // The page of changes and its nodes, plus one batched query per child list the harvest asks for
      // (networks: members, links; projects: resource links, learning, measures and their points,
      // which the harvest reads for each measure's SPC variation).
      expect(small, partner).toBe({ resources: 2, networks: 4, projects: 6 }[kind]);
    }
    await harvest();
    expect(await indexed("essex-cc")).toContain("essex-cc:project:feed-9");
  });
});

describe("harvesting changes", () => {
  it("asks an unchanged partner for exactly one page, and transfers nothing", async () => {
    await harvest();
    const { byPartner, requests } = await harvest();
    for (const id of HARVESTED) {
      expect(requests.get(id), id).toBe(1);
      expect(byPartner.get(id), id).toMatchObject({ ok: true, pages: 1, items: 0 });
    }
  });

  it("transfers only the item that changed", async () => {
    await db<ProjectsDb>("essex-cc").prisma.project.update({
      where: { local: "post-falls-huddles" },
      data: { title: "Post-falls huddles, now with zephyrine checklists" },
    });
    const { byPartner, requests } = await harvest();
    expect(byPartner.get("essex-cc")).toMatchObject({ ok: true, pages: 1, items: 1, upserted: 1, removed: 0 });
    for (const id of HARVESTED.filter((p) => p !== "essex-cc"))
      expect(byPartner.get(id), id).toMatchObject({ ok: true, items: 0, pages: 1 });
    for (const id of HARVESTED) expect(requests.get(id), id).toBe(1);
    const { body } = await sys.query(`{ search(query: "zephyrine") { edges { node { id title } } } }`);
    expect(body.data.search.edges.map((e: any) => e.node.id)).toEqual(["essex-cc:project:post-falls-huddles"]);
  });

  it("reindexes a project when one of its child rows changes (learning): the write moves the project in the feed", async () => {
    await harvest();
    const essex = db<ProjectsDb>("essex-cc").prisma;
    await essex.$transaction((tx) =>
      addLearning(tx, "essex-cc", "post-falls-huddles", {
        kind: "INSIGHT",
        text: "Quetzal rounds halved repeat falls.",
      }),
    );
    const { byPartner } = await harvest();
    expect(byPartner.get("essex-cc")).toMatchObject({ ok: true, items: 1, upserted: 1 });
    const { body } = await sys.query(`{ search(query: "quetzal") { edges { node { id } } } }`);
    expect(body.data.search.edges.map((e: any) => e.node.id)).toEqual(["essex-cc:project:post-falls-huddles"]);
  });

  it("answers a call made during a harvest with a later harvest, shared by every such call", async () => {
    await harvest();
    const before = new Map(sys.harvester.feedRequests);
    let calls: Promise<HarvestReport[]>[] = [];
    // While a harvest runs (it has just read essex-cc), three callers ask for a harvest, as the
    // gateway does after a write: the running one may have read their partner before their write.
    const stop = sys.harvester.onProgress((e) => {
      if (e.type === "page" && e.partner === "essex-cc" && !calls.length)
        calls = [1, 2, 3].map(() => sys.harvester.harvestAll());
    });
    const running = sys.harvester.harvestAll();
    const first = await running;
    stop();
    const answers = await Promise.all(calls);
    expect(answers).toHaveLength(3);
    // Not the running harvest's answer: a later harvest, one for the three of them.
    expect(answers[0]).not.toBe(first);
    expect(new Set(answers).size).toBe(1);
    for (const id of HARVESTED) expect((sys.harvester.feedRequests.get(id) ?? 0) - (before.get(id) ?? 0), id).toBe(2);
  });

  it.each([
    [
      "resource",
      "improvement-hub",
      "safety-thermometer",
      (id: string, local: string) => deleteResource(resources(id), local),
      "resource",
    ],
    [
      "network",
      "slpsc",
      "sims",
      (id: string, local: string) => deleteNetwork(db<NetworksDb>(id).prisma, local),
      "network",
    ],
    [
      "project",
      "essex-cc",
      "care-home-hydration",
      (id: string, local: string) => deleteProject(db<ProjectsDb>(id).prisma, local),
      "project",
    ],
  ])(
    "drops a %s deleted at its partner from search after the next harvest",
    async (_, partner, local, remove, word) => {
      const id = `${partner}:${word}:${local}`;
      expect(await indexed(partner)).toContain(id);
      expect(await remove(partner, local)).toBe(true);
      // The tombstone is written with the delete; deleting again changes nothing.
      expect(await db<ResourcesDb>(partner).prisma.tombstone.findUnique({ where: { local } })).toMatchObject({
        local,
        deletedAt: expect.any(Date),
      });
      expect(await remove(partner, local)).toBe(false);
      const { byPartner } = await harvest();
      expect(byPartner.get(partner)).toMatchObject({ ok: true, pages: 1, items: 1, upserted: 0, removed: 1 });
      expect(await indexed(partner)).not.toContain(id);
      const { body } = await sys.query(`query($id: ID!) { ${word}(id: $id) { id } }`, { id });
      expect(body.errors).toBeUndefined();
      expect(body.data[word]).toBeNull();
    },
  );

  it("brings a deleted item back when its partner creates it again, removing the tombstone", async () => {
    const prisma = resources("improvement-hub");
    await createResources(prisma, [
      {
        local: "safety-thermometer",
        title: "NHS Safety Thermometer, restored",
        summary: "Back again.",
        kind: "ASSESSMENT_TOOL",
      },
    ]);
    expect(await prisma.tombstone.findUnique({ where: { local: "safety-thermometer" } })).toBeNull();
    const { byPartner } = await harvest();
    expect(byPartner.get("improvement-hub")).toMatchObject({ ok: true, items: 1, upserted: 1, removed: 0 });
    expect(await indexed("improvement-hub")).toContain("improvement-hub:resource:safety-thermometer");
  });

  it("drops a resource turned back to draft, and lists it again once published", async () => {
    const prisma = resources("leadership-academy");
    const id = "leadership-academy:resource:systems-leadership";
    expect(await indexed("leadership-academy")).toContain(id);
    await prisma.resource.update({ where: { local: "systems-leadership" }, data: { status: "DRAFT" } });
    const drafted = await harvest();
    expect(drafted.byPartner.get("leadership-academy")).toMatchObject({ ok: true, items: 1, removed: 1, upserted: 0 });
    expect(await indexed("leadership-academy")).not.toContain(id);
    // The partner's feed carries the draft only as a removal, without its content.
    const entries = await readWholeFeed("leadership-academy", "resources");
    expect(entries.filter((e) => e.id === id)).toEqual([
      { id, changedAt: expect.any(String), removed: true, node: null, version: null },
    ]);
    expect(entries.every((e) => e.node === null || e.node.title)).toBe(true);

    await prisma.resource.update({ where: { local: "systems-leadership" }, data: { status: "PUBLISHED" } });
    const published = await harvest();
    expect(published.byPartner.get("leadership-academy")).toMatchObject({
      ok: true,
      items: 1,
      upserted: 1,
      removed: 0,
    });
    expect(await indexed("leadership-academy")).toContain(id);
  });

  it("logs one line per page (items/s, remaining) and one summary line per partner", async () => {
    const prisma = resources("improvement-hub");
    for (const local of ["nhs-england", "nhs-improvement", "condition-4-in-brief"])
      await prisma.resource.update({ where: { local }, data: { summary: `Updated ${local}` } });
    const lines: any[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const logged = new Harvester(
      catalogue(),
      sys.registry,
      2000,
      pino({ level: "info" }, sink),
      undefined,
      sys.catalogueSigner,
    );
    logged.pageSize = 2;
    const reports = await logged.harvestAll();
    expect(reports.find((r) => r.partner === "improvement-hub")).toMatchObject({ ok: true, items: 3, pages: 2 });
    const of = (partner: string, msg: string) => lines.filter((l) => l.harvested === partner && l.msg === msg);
    expect(of("improvement-hub", "harvest page").map((l) => [l.page, l.upserted, l.removed, l.remaining])).toEqual([
      [1, 2, 0, 1],
      [2, 1, 0, 0],
    ]);
    for (const l of of("improvement-hub", "harvest page")) expect(l.itemsPerSecond).toEqual(expect.any(Number));
    expect(of("improvement-hub", "harvest done")).toEqual([
      expect.objectContaining({ items: 3, pages: 2, itemsPerSecond: expect.any(Number) }),
    ]);
    for (const id of HARVESTED.filter((p) => p !== "improvement-hub")) {
      expect(
        of(id, "harvest page").map((l) => [l.page, l.upserted, l.removed, l.remaining]),
        id,
      ).toEqual([[1, 0, 0, 0]]);
      expect(of(id, "harvest done"), id).toHaveLength(1);
    }
    expect(logged.feedRequests.get("improvement-hub")).toBe(2);
  });

  it("applies a page in two statements (upserts, removals) plus its cursor, whatever the page holds", async () => {
    const partner = sys.registry().get("improvement-hub")!;
    const cat = catalogue();
    const harvestHub = async () => {
      const before = cat.statements.count;
      const report = await sys.harvester.harvestPartner(partner);
      return { report, statements: cat.statements.count - before };
    };
    const idle = await harvestHub();
    expect(idle.report).toMatchObject({ ok: true, items: 0, pages: 1 });
    const prisma = resources("improvement-hub");
    await prisma.resource.update({ where: { local: "nhs-england" }, data: { summary: "One change" } });
    await deleteResource(prisma, "ucl-evaluation-care-homes");
    const small = await harvestHub();
    expect(small.report).toMatchObject({ ok: true, items: 2, upserted: 1, removed: 1, pages: 1 });
    for (const local of [
      "improvement-hub",
      "nhsi-improvement-hub",
      "developing-people-improving-care",
      "manchester-patient-safety-framework",
      "care-home-starter-interventions",
      "care-home-safety-culture-tool",
    ]) {
      await prisma.resource.update({ where: { local }, data: { summary: `Another change to ${local}` } });
    }
    await deleteResource(prisma, "case-study-maternal-care");
    const large = await harvestHub();
    expect(large.report).toMatchObject({ ok: true, items: 7, upserted: 6, removed: 1, pages: 1 });
    expect(large.statements).toBe(small.statements);
    expect(small.statements - idle.statements).toBe(3);
    const ids = await indexed("improvement-hub");
    expect(ids).not.toContain("improvement-hub:resource:ucl-evaluation-care-homes");
    expect(ids).not.toContain("improvement-hub:resource:case-study-maternal-care");
  });

  it("keeps the cursor of the last written page when a partner fails mid-harvest, and resumes after it", async () => {
    const prisma = resources("leadership-academy");
    const locals = ["cqc", "dhsc", "hee", "lga", "nice"];
    for (const local of locals)
      await prisma.resource.update({ where: { local }, data: { summary: `Quokka ${local}` } });
    const state = () => catalogue().prisma.harvestState.findUnique({ where: { partnerId: "leadership-academy" } });
    const quokkas = async () =>
      (
        await sys.query(
          `{ search(query: "quokka", filter: { partners: ["leadership-academy"] }, first: 10) { totalCount } }`,
        )
      ).body.data.search.totalCount;
    // A partner that answers its first feed request, then fails. When the second request arrives, what
    // a crash at that moment would leave behind is recorded: the first page and its cursor.
    const real = sys.partners.get("leadership-academy")!.url;
    let served = 0;
    let duringSecondRequest: { cursor: string | null; indexed: number } | undefined;
    const flaky: Server = createServer(async (req, res) => {
      const body = await new Promise<string>((resolve) => {
        let data = "";
        req.on("data", (c) => (data += c));
        req.on("end", () => resolve(data));
      });
      if (served++ > 0) {
        duringSecondRequest = { cursor: (await state())!.cursor, indexed: await quokkas() };
        res.writeHead(503).end("down");
        return;
      }
      const answer = await fetch(real, { method: "POST", headers: { "content-type": "application/json" }, body });
      res.writeHead(answer.status, { "content-type": "application/json" }).end(await answer.text());
    });
    await new Promise<void>((r) => flaky.listen(0, "127.0.0.1", () => r()));
    const before = sys.registry();
    const startCursor = (await state())!.cursor;
    sys.harvester.pageSize = 2;
    try {
      sys.setRegistry(
        before.withUrls({
          "leadership-academy": `http://127.0.0.1:${(flaky.address() as { port: number }).port}/graphql`,
        }),
      );
      const failed = await harvest();
      expect(failed.byPartner.get("leadership-academy")).toMatchObject({
        ok: false,
        pages: 1,
        items: 2,
        reason: expect.stringMatching(/503/),
      });
      const afterFailure = (await state())!;
      expect(afterFailure.status).toBe("DOWN");
      expect(afterFailure.cursor).not.toBe(startCursor);
      // The cursor moved past the first page as soon as that page was written, before the next request.
      expect(duringSecondRequest).toEqual({ cursor: afterFailure.cursor, indexed: 2 });
      // The first page stays in the index although the harvest failed.
      expect(await quokkas()).toBe(2);

      sys.setRegistry(before);
      const resumed = await harvest();
      expect(resumed.byPartner.get("leadership-academy")).toMatchObject({ ok: true, pages: 2, items: 3 });
      expect(resumed.requests.get("leadership-academy")).toBe(2);
      expect(await quokkas()).toBe(5);
    } finally {
      sys.harvester.pageSize = 200;
      sys.setRegistry(before);
      flaky.closeAllConnections();
      flaky.close();
    }
  });

  it("stops between pages on a service stop: the page read is written with its cursor, nothing half-done", async () => {
    const prisma = resources("leadership-academy");
    const locals = ["cqc", "dhsc", "hee", "lga", "nice"];
    for (const local of locals)
      await prisma.resource.update({ where: { local }, data: { summary: `Wombat ${local}` } });
    const state = () => catalogue().prisma.harvestState.findUnique({ where: { partnerId: "leadership-academy" } });
    const wombats = async () =>
      (
        await sys.query(
          `{ search(query: "wombat", filter: { partners: ["leadership-academy"] }, first: 10) { totalCount edges { node { stale } } } }`,
        )
      ).body.data.search;
    const start = (await state())!;
    const stopping = new Harvester(
      catalogue(),
      sys.registry,
      2000,
      pino({ level: "silent" }),
      undefined,
      sys.catalogueSigner,
    );
    stopping.pageSize = 2;
    let stopped: Promise<void> | undefined;
    const off = stopping.onProgress((e) => {
      if (e.type === "page" && e.partner === "leadership-academy" && !stopped) stopped = stopping.stop();
    });
    const reports = await stopping.harvestAll();
    off();
    await stopped;
    expect(reports.find((r) => r.partner === "leadership-academy")).toMatchObject({
      ok: false,
      pages: 1,
      items: 2,
      reason: "stopped by shutdown",
    });
    expect(stopping.feedRequests.get("leadership-academy")).toBe(1);
    // The first page is indexed and its cursor recorded; the partner is not marked down, nor its items stale.
    const after = (await state())!;
    expect(after.cursor).not.toBe(start.cursor);
    expect(after.status).toBe("UP");
    expect(await wombats()).toMatchObject({ totalCount: 2 });
    expect((await wombats()).edges.every((e: any) => e.node.stale === false)).toBe(true);
    // A stopped harvester starts nothing more.
    expect(await stopping.harvestAll()).toEqual([]);
    expect(stopping.feedRequests.get("leadership-academy")).toBe(1);
    // The next harvest resumes after the recorded page.
    const resumed = await harvest();
    expect(resumed.byPartner.get("leadership-academy")).toMatchObject({ ok: true, items: 3 });
    expect(await wombats()).toMatchObject({ totalCount: 5 });
  });

  it.each([
    ["a broken cursor", "not-a-cursor"],
    // Read by time, it would skip every change stamped before it that committed after.
    [
      "a cursor of the time-ordered feed",
      Buffer.from(JSON.stringify([new Date().toISOString(), "sims", 0])).toString("base64url"),
    ],
  ])(
    "harvests a partner from the start when it refuses the stored cursor (%s), dropping what it no longer has",
    async (_, stored) => {
      const cat = catalogue();
      await cat.prisma.harvestState.update({ where: { partnerId: "slpsc" }, data: { cursor: stored } });
      const phantom = (await cat.prisma.item.findFirstOrThrow({ where: { partnerId: "slpsc" } }))!;
      await upsertItems(
        cat.sql,
        [{ ...phantom, id: "slpsc:network:phantom", typename: "Network", updatedAt: phantom.updatedAt.toISOString() }],
        new Date(0),
      );
      expect(await indexed("slpsc")).toContain("slpsc:network:phantom");
      const networks = await db<NetworksDb>("slpsc").prisma.network.count();
      const { byPartner } = await harvest();
      expect(byPartner.get("slpsc")).toMatchObject({ ok: true, upserted: networks });
      const ids = await indexed("slpsc");
      expect(ids).not.toContain("slpsc:network:phantom");
      expect(ids).toHaveLength(networks);
    },
  );
});

// Last: this restarts the catalogue.
describe("a restarted catalogue", () => {
  it("resumes from its stored cursors: one empty page per partner", async () => {
    await harvest();
    const itemsBefore = await catalogue().prisma.item.count();
    const harvester = await sys.restartCatalogue();
    // The new catalogue harvests at start: one empty page per partner, nothing read again from the
    // beginning. The harvest asked for after it finds nothing either.
    await harvester.idle();
    for (const id of HARVESTED) expect(harvester.feedRequests.get(id), id).toBe(1);
    const reports = await harvester.harvestAll();
    for (const id of HARVESTED) {
      expect(harvester.feedRequests.get(id), id).toBe(2);
      expect(
        reports.find((r) => r.partner === id),
        id,
      ).toMatchObject({ ok: true, pages: 1, items: 0 });
    }
    expect(await catalogue().prisma.item.count()).toBe(itemsBefore);
    const { body } = await sys.query(`{ search(query: "zephyrine") { edges { node { id } } } }`);
    expect(body.data.search.edges.map((e: any) => e.node.id)).toEqual(["essex-cc:project:post-falls-huddles"]);
  });

  it("stops a running harvest cleanly when the catalogue service stops: its page written, the rest harvested after restart", async () => {
    const prisma = resources("leadership-academy");
    const locals = ["cqc", "dhsc", "hee", "lga"];
    for (const local of locals)
      await prisma.resource.update({ where: { local }, data: { summary: `Platypus ${local}` } });
    const platypi = async () =>
      (await sys.query(`{ search(query: "platypus", first: 10) { totalCount } }`)).body.data.search.totalCount;
    const running = sys.harvester;
    running.pageSize = 1;
    let restarting: Promise<unknown> | undefined;
    const off = running.onProgress((e) => {
      if (e.type === "page" && e.partner === "leadership-academy" && !restarting) restarting = sys.restartCatalogue();
    });
    const reports = await running.harvestAll();
    off();
    await restarting;
    // The service's stop waited for the page being written, then the harvest ended: no failure, no
    // write to a closed database.
    // (The stop begins once the HTTP server has closed: a page or two may be read meanwhile.)
    const report = reports.find((r) => r.partner === "leadership-academy")!;
    expect(report).toMatchObject({ ok: false, reason: "stopped by shutdown" });
    expect(report.items).toBeGreaterThan(0);
    expect(report.items).toBeLessThan(4);
    const next = sys.harvester;
    expect(next).not.toBe(running);
    await next.idle();
    await next.harvestAll();
    expect(await platypi()).toBe(4);
    const state = await catalogue().prisma.harvestState.findUnique({ where: { partnerId: "leadership-academy" } });
    expect(state).toMatchObject({ status: "UP" });
  });
});

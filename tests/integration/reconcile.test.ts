// Reconciliation, the index's safety net (subgraphs/catalogue/harvest/reconcile.ts): rows changed in a
// partner's database behind the change feed's back (an UPDATE with the feed's trigger off, a row
// inserted with an old transaction stamp, a delete whose tombstone is lost) are invisible to harvests;
// a reconciliation compares the partner's version listing with the index and repairs each, one log
// line per repair, and a second one finds nothing to do.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Writable } from "node:stream";
import { createServer, type Server } from "node:http";
import { pino } from "pino";
import { startSystem, type TestSystem } from "../support/system.ts";
import type { PrismaClient as CatalogueDb } from "../../subgraphs/catalogue/generated/prisma/client.ts";
import type { OpenedDatabase } from "../../lib/db/open.ts";
import { Harvester } from "../../subgraphs/catalogue/harvest/harvester.ts";

const PARTNERS = ["improvement-hub", "essex-cc", "national-catalogue"];
let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem({ only: (p) => PARTNERS.includes(p.id) });
});
afterAll(async () => {
  await sys?.close();
});

const sql = (id: string) => sys.partners.get(id)!.db.sql as OpenedDatabase<unknown>["sql"];
const catalogue = () => sys.partners.get("national-catalogue")!.db as unknown as OpenedDatabase<CatalogueDb>;
const indexed = async (id: string) => (await catalogue().prisma.item.findUnique({ where: { id } }))?.title;

/** Runs statements with the feed's trigger on `table` off, as a restore or a hand-made fix would. */
const behindTheFeed = (partner: string, table: string, statements: string) =>
  sql(partner).exec(
    `BEGIN; ALTER TABLE "${table}" DISABLE TRIGGER "${table}_change_xid"; ${statements} ALTER TABLE "${table}" ENABLE TRIGGER "${table}_change_xid"; COMMIT;`,
  );

describe("reconciliation", () => {
  it("repairs items changed, added and deleted behind the feed's back, and logs each repair", async () => {
    const lines: any[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    // Signed with the catalogue's own key, as the catalogue service signs (lib/auth/catalogue-scope.ts).
    const harvester = new Harvester(
      catalogue(),
      sys.registry,
      5000,
      pino({ level: "info" }, sink),
      undefined,
      sys.catalogueSigner,
    );
    await harvester.harvestAll();
    // Changed behind the feed: a resource and a project retitled without their rows moving in the feed.
    await behindTheFeed(
      "improvement-hub",
      "Resource",
      `UPDATE "Resource" SET title = 'Retitled behind the feed' WHERE local = 'nhs-england';`,
    );
    await behindTheFeed(
      "essex-cc",
      "Project",
      `UPDATE "Project" SET title = 'Project retitled behind the feed' WHERE local = 'post-falls-huddles';`,
    );
    // Added behind the feed: a published resource stamped before the harvest's cursor (a restore).
    await behindTheFeed(
      "improvement-hub",
      "Resource",
      `INSERT INTO "Resource" (local, title, kind, status, "updatedAt", "changeXid") VALUES ('restored-guide', 'Restored guide', 'GUIDE', 'PUBLISHED', now(), 1);`,
    );
    // Deleted behind the feed: the row and its tombstone are gone.
    await sql("improvement-hub").exec(
      `DELETE FROM "Resource" WHERE local = 'safety-thermometer'; DELETE FROM "Tombstone" WHERE local = 'safety-thermometer';`,
    );

    const retitled = "improvement-hub:resource:nhs-england";
    const project = "essex-cc:project:post-falls-huddles";
    const restored = "improvement-hub:resource:restored-guide";
    const deleted = "improvement-hub:resource:safety-thermometer";
    // The feed cannot see any of it: a harvest changes nothing.
    const harvested = await harvester.harvestAll();
    expect(harvested.map((r) => [r.partner, r.ok, r.items])).toEqual(
      expect.arrayContaining([
        ["improvement-hub", true, 0],
        ["essex-cc", true, 0],
      ]),
    );
    expect(await indexed(retitled)).not.toBe("Retitled behind the feed");
    expect(await indexed(project)).not.toBe("Project retitled behind the feed");
    expect(await indexed(restored)).toBeUndefined();
    expect(await indexed(deleted)).toBeDefined();

    const reports = await harvester.reconcileAll();
    const hub = reports.find((r) => r.partner === "improvement-hub")!.reconciled;
    const essex = reports.find((r) => r.partner === "essex-cc")!.reconciled;
    expect(hub).toMatchObject({ ok: true, missing: 1, stale: 1, wronglyPresent: 1 });
    expect(essex).toMatchObject({ ok: true, missing: 0, stale: 1, wronglyPresent: 0 });
    expect(await indexed(retitled)).toBe("Retitled behind the feed");
    expect(await indexed(project)).toBe("Project retitled behind the feed");
    expect(await indexed(restored)).toBe("Restored guide");
    expect(await indexed(deleted)).toBeUndefined();
    const { body } = await sys.query(`{ search(query: "restored guide") { edges { node { id } } } }`);
    expect(body.data.search.edges.map((e: any) => e.node.id)).toContain(restored);
    // One structured line per repair.
    const repairs = lines.filter((l) => l.msg === "index repaired").map((l) => [l.reconciled, l.id, l.repair]);
    expect(repairs.sort()).toEqual(
      [
        ["essex-cc", project, "stale"],
        ["improvement-hub", deleted, "wrongly-present"],
        ["improvement-hub", restored, "missing"],
        ["improvement-hub", retitled, "stale"],
      ].sort(),
    );

    // Nothing left to repair, and the feed and reconciliation agree on every version.
    const again = await harvester.reconcileAll();
    for (const r of again)
      expect(r.reconciled, r.partner).toMatchObject({ ok: true, missing: 0, stale: 0, wronglyPresent: 0 });
  });

  it("gives items indexed before versions existed their version once, without a repair line each", async () => {
    const lines: any[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    await catalogue().sql.query(`UPDATE "Item" SET version = NULL WHERE "partnerId" = 'essex-cc'`);
    const count = await catalogue().prisma.item.count({ where: { partnerId: "essex-cc" } });
    // Signed with the catalogue's own key, as the catalogue service signs (lib/auth/catalogue-scope.ts).
    const harvester = new Harvester(
      catalogue(),
      sys.registry,
      5000,
      pino({ level: "info" }, sink),
      undefined,
      sys.catalogueSigner,
    );
    const reports = await harvester.reconcileAll();
    expect(reports.find((r) => r.partner === "essex-cc")!.reconciled).toMatchObject({
      ok: true,
      unversioned: count,
      stale: 0,
      missing: 0,
      wronglyPresent: 0,
    });
    expect(lines.filter((l) => l.msg === "index repaired")).toEqual([]);
    expect(lines.filter((l) => l.msg === "reconciliation done" && l.reconciled === "essex-cc")).toEqual([
      expect.objectContaining({ unversioned: count }),
    ]);
    expect(await catalogue().prisma.item.count({ where: { partnerId: "essex-cc", version: null } })).toBe(0);
  });

  it("changes nothing when it cannot read every item it would repair", async () => {
    await behindTheFeed(
      "improvement-hub",
      "Resource",
      `UPDATE "Resource" SET title = 'Second retitle' WHERE local = 'nhs-england';`,
    );
    await sql("improvement-hub").exec(
      `DELETE FROM "Resource" WHERE local = 'nhs-improvement'; DELETE FROM "Tombstone" WHERE local = 'nhs-improvement';`,
    );
    const titleBefore = await indexed("improvement-hub:resource:nhs-england");
    const countBefore = await catalogue().prisma.item.count({ where: { partnerId: "improvement-hub" } });
    // In front of the partner: feed and version listing pass, reads of items by id fail.
    const real = sys.registry();
    const target = sys.partners.get("improvement-hub")!.url;
    const proxy: Server = createServer(async (req, res) => {
      let body = "";
      for await (const chunk of req) body += chunk;
      if (body.includes("_entities")) return void res.writeHead(503).end("down");
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(([k]) => k !== "host" && k !== "content-length"),
      ) as Record<string, string>;
      const answer = await fetch(target, { method: "POST", headers, body });
      res.writeHead(answer.status, { "content-type": "application/json" }).end(await answer.text());
    });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", () => r()));
    sys.setRegistry(
      real.withUrls({ "improvement-hub": `http://127.0.0.1:${(proxy.address() as { port: number }).port}/graphql` }),
    );
    try {
      const harvester = new Harvester(
        catalogue(),
        sys.registry,
        5000,
        pino({ level: "silent" }),
        undefined,
        sys.catalogueSigner,
      );
      const reports = await harvester.reconcileAll();
      expect(reports.find((r) => r.partner === "improvement-hub")).toMatchObject({
        ok: true,
        reconciled: { ok: false, reason: expect.stringMatching(/503/) },
      });
      // Neither the stale item nor the removal was applied: all or nothing.
      expect(await indexed("improvement-hub:resource:nhs-england")).toBe(titleBefore);
      expect(await catalogue().prisma.item.count({ where: { partnerId: "improvement-hub" } })).toBe(countBefore);
    } finally {
      sys.setRegistry(real);
      proxy.closeAllConnections();
      proxy.close();
    }
  });
});

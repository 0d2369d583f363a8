// The national index under concurrent transactions on a real PostgreSQL server. A change stamps its
// time when it is written but becomes visible when its transaction commits, so a harvest can read
// past a later-stamped change while an earlier-stamped one is still in flight. The feed is ordered by
// transaction and ends each page where every earlier transaction has finished (subgraphs/shared/feed.ts):
// the held change is listed once it commits, never behind the cursor.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { startSystem, type TestSystem } from "../support/system.ts";
import type { PrismaClient as ResourcesDb } from "../../subgraphs/resources/generated/prisma/client.ts";
import type { PrismaClient as CatalogueDb } from "../../subgraphs/catalogue/generated/prisma/client.ts";
import type { OpenedDatabase } from "../../lib/db/open.ts";
import { resources } from "../../subgraphs/resources/data/resources.ts";

const PARTNER = "improvement-hub";
let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem({ only: (p) => p.id === PARTNER || p.kind === "catalogue" });
});
afterAll(async () => {
  await sys?.close();
});

const partnerDb = () => sys.partners.get(PARTNER)!.db as unknown as OpenedDatabase<ResourcesDb>;
const catalogue = () => sys.partners.get("national-catalogue")!.db as unknown as OpenedDatabase<CatalogueDb>;

/** A connection of its own to the partner's database (its server URL with the partner's database name). */
async function connect(): Promise<pg.Client> {
  const [row] = await partnerDb().sql.query<{ name: string }>(`SELECT current_database() AS name`);
  const name = row!.name;
  const url = Object.assign(new URL(process.env.TEST_DATABASE_URL!), { pathname: `/${name}` }).toString();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

const indexedTitle = async (local: string) =>
  (await catalogue().prisma.item.findUnique({ where: { id: `${PARTNER}:resource:${local}` } }))?.title;

describe("a change that commits after a later-stamped change was harvested", () => {
  it("is indexed by the next harvest", async () => {
    const [a, b] = (
      await partnerDb().prisma.resource.findMany({ where: { status: "PUBLISHED" }, orderBy: { local: "asc" }, take: 2 })
    ).map((r) => r.local);
    expect(await indexedTitle(a!)).toBeDefined();
    const held = await connect();
    const other = await connect();
    try {
      // A's transaction stamps its time first and stays open; B's change is stamped later and commits.
      await held.query("BEGIN");
      await held.query(
        `UPDATE "Resource" SET title = 'Held change to A', "updatedAt" = clock_timestamp() WHERE local = $1`,
        [a],
      );
      await new Promise((r) => setTimeout(r, 20));
      await other.query(
        `UPDATE "Resource" SET title = 'Later change to B', "updatedAt" = clock_timestamp() WHERE local = $1`,
        [b],
      );
      const partner = sys.registry().get(PARTNER)!;
      const first = await sys.harvester.harvestPartner(partner);
      expect(first.ok).toBe(true);
      await held.query("COMMIT");
      const second = await sys.harvester.harvestPartner(partner);
      expect(second.ok).toBe(true);
      expect(await indexedTitle(a!)).toBe("Held change to A");
      expect(await indexedTitle(b!)).toBe("Later change to B");
    } finally {
      await held.query("ROLLBACK").catch(() => undefined);
      await held.end();
      await other.end();
    }
  });

  it("does not leave a just-committed change for the next harvest while a short transaction is running", async () => {
    const prisma = partnerDb().prisma;
    const [a, b] = (
      await prisma.resource.findMany({ where: { status: "PUBLISHED" }, orderBy: { local: "desc" }, take: 2 })
    ).map((r) => r.local);
    let cursor: string | null = null;
    for (;;) {
      const page = await resources.feed(prisma, cursor, 500);
      cursor = page.endCursor;
      if (!page.hasNextPage) break;
    }
    const held = await connect();
    const other = await connect();
    try {
      await held.query("BEGIN");
      await held.query(`UPDATE "Resource" SET title = 'Short transaction on A' WHERE local = $1`, [a]);
      await other.query(`UPDATE "Resource" SET title = 'Committed change to B' WHERE local = $1`, [b]);
      // The held transaction ends 30 ms after the feed is first read: the feed waits for it rather than
      // answering without B (the change a writer expects to find after asking for a harvest).
      const ending = new Promise((r) => setTimeout(r, 30)).then(() => held.query("COMMIT"));
      const page = await resources.feed(prisma, cursor, 500, { removals: true });
      await ending;
      expect(page.entries.map((e) => e.local).sort()).toEqual([a, b].sort());
    } finally {
      await held.query("ROLLBACK").catch(() => undefined);
      await held.end();
      await other.end();
    }
  });
});

describe("a transaction left open in another database of the same server", () => {
  it("does not hold this partner's feed back", async () => {
    const prisma = partnerDb().prisma;
    const [a] = (
      await prisma.resource.findMany({ where: { status: "PUBLISHED" }, orderBy: { local: "asc" }, skip: 2, take: 1 })
    ).map((r) => r.local);
    let cursor: string | null = null;
    for (;;) {
      const page = await resources.feed(prisma, cursor, 500);
      cursor = page.endCursor;
      if (!page.hasNextPage) break;
    }
    // Another partner's database (here the server's own test database): a transaction that has
    // written, so it has an id, and stays open for the whole test.
    const elsewhere = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL! });
    await elsewhere.connect();
    const own = await connect();
    try {
      await elsewhere.query("BEGIN");
      const xid = ((await elsewhere.query(`SELECT pg_current_xact_id()::text AS xid`)).rows[0] as { xid: string }).xid;
      expect(Number(xid)).toBeGreaterThan(0);
      await own.query(
        `UPDATE "Resource" SET title = 'Committed beside an open transaction elsewhere' WHERE local = $1`,
        [a],
      );
      const page = await resources.feed(prisma, cursor, 500, { removals: true });
      expect(page.entries.map((e) => e.local)).toEqual([a]);
      // The same transaction open in the partner's own database does hold the feed back (the guarantee).
      await own.query("BEGIN");
      await own.query(`SELECT pg_current_xact_id()`);
      const [b] = (
        await prisma.resource.findMany({ where: { status: "PUBLISHED" }, orderBy: { local: "asc" }, skip: 3, take: 1 })
      ).map((r) => r.local);
      await prisma.$executeRawUnsafe(
        `UPDATE "Resource" SET title = 'Held behind this database''s open transaction' WHERE local = $1`,
        b,
      );
      const held = await resources.feed(prisma, page.endCursor, 500, { removals: true });
      expect(held.entries).toEqual([]);
    } finally {
      await elsewhere.query("ROLLBACK").catch(() => undefined);
      await own.query("ROLLBACK").catch(() => undefined);
      await elsewhere.end();
      await own.end();
    }
  });
});

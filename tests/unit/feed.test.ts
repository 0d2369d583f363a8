// The change feed's cursor and order (subgraphs/shared/feed.ts): the cursor round-trips exactly, bad
// cursors are a clear BAD_USER_INPUT, and entries are in (changedAt, local id, removal after upsert)
// order whether they come from live rows or tombstones: checked on the real statement, run by a
// resources partner's feed on an in-memory database, page by page at several page sizes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GraphQLError } from "graphql";
import { comparePositions, decodeCursor, encodeCursor, isAfter, pageSize, readChanges, type ChangeRow, type FeedPosition } from "../../subgraphs/shared/feed.ts";
import { openDatabase, type OpenedDatabase } from "../../lib/db/open.ts";
import { kindPaths } from "../../lib/db/kind-paths.ts";
import { PrismaClient } from "../../subgraphs/resources/generated/prisma/client.ts";
import { resourceFeed } from "../../subgraphs/resources/data/resources.ts";

const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms);
const pos = (ms: number, local: string, removed = false): FeedPosition => ({ changedAt: at(ms), local, removed });

function badInputPath(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(GraphQLError);
    expect((e as GraphQLError).extensions.code).toBe("BAD_USER_INPUT");
    return (e as GraphQLError).extensions.argumentPath;
  }
  throw new Error("expected a BAD_USER_INPUT error");
}

describe("feed cursor", () => {
  it.each([
    ["an upsert", pos(0, "a")],
    ["a removal", pos(1, "a", true)],
    ["a millisecond time and an id with - and _", pos(123_456_789, "Care-home_safety-2")],
  ])("round-trips %s exactly", (_, p) => {
    const cursor = encodeCursor(p);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual(p);
  });

  it("tells an upsert from a removal at the same time and id", () => {
    expect(encodeCursor(pos(5, "x"))).not.toBe(encodeCursor(pos(5, "x", true)));
  });

  it("reads no cursor as the start of the feed", () => {
    expect(decodeCursor(undefined)).toBeUndefined();
    expect(decodeCursor(null)).toBeUndefined();
    expect(decodeCursor("")).toBeUndefined();
  });

  it("reads a cursor of the feed before removals existed as a position among upserts", () => {
    const legacy = Buffer.from(`${at(42).toISOString()}|care-home-safety`, "utf8").toString("base64url");
    expect(decodeCursor(legacy)).toEqual(pos(42, "care-home-safety"));
  });

  it.each([
    ["garbage", "not a cursor!"],
    ["JSON of the wrong shape", Buffer.from(JSON.stringify({ t: 1 })).toString("base64url")],
    ["a bad time", Buffer.from(JSON.stringify(["yesterday", "a", 0])).toString("base64url")],
    ["an empty id", Buffer.from(JSON.stringify([at(0).toISOString(), "", 0])).toString("base64url")],
    ["a removal flag that is not 0 or 1", Buffer.from(JSON.stringify([at(0).toISOString(), "a", 2])).toString("base64url")],
  ])("refuses %s as BAD_USER_INPUT on `after`", (_, cursor) => {
    expect(badInputPath(() => decodeCursor(cursor))).toEqual(["after"]);
  });

  it("bounds the page size", () => {
    expect(pageSize(undefined)).toBe(100);
    expect(pageSize(500)).toBe(500);
    for (const n of [0, -1, 501, 1.5]) expect(badInputPath(() => pageSize(n))).toEqual(["first"]);
  });
});

describe("feed order", () => {
  it("orders by time, then id, then an upsert before a removal", () => {
    const shuffled = [pos(2, "a"), pos(1, "b", true), pos(1, "b"), pos(1, "a", true), pos(0, "z"), pos(1, "a")];
    const sorted = [...shuffled].sort(comparePositions);
    expect(sorted).toEqual([pos(0, "z"), pos(1, "a"), pos(1, "a", true), pos(1, "b"), pos(1, "b", true), pos(2, "a")]);
  });

  it("puts nothing at the cursor's own position after it, and everything later after it", () => {
    const cursor = pos(1, "b");
    expect(isAfter(pos(1, "b"), cursor)).toBe(false);
    expect(isAfter(pos(1, "a", true), cursor)).toBe(false);
    expect(isAfter(pos(1, "b", true), cursor)).toBe(true);
    expect(isAfter(pos(1, "c"), cursor)).toBe(true);
    expect(isAfter(pos(2, "a"), cursor)).toBe(true);
    expect(isAfter(pos(0, "z", true), undefined)).toBe(true);
    expect(isAfter(pos(1, "b", true), pos(1, "b", true))).toBe(false);
  });

});

describe("the feed statement, on a resources database", { timeout: 60_000 }, () => {
  let db: OpenedDatabase<PrismaClient>;
  beforeAll(async () => {
    db = await openDatabase({ kind: "embedded" }, kindPaths("resources").migrations, (o) => new PrismaClient(o));
  });
  afterAll(async () => {
    await db?.close();
  });

  // Ties on time everywhere, ids that sort differently under a locale than byte by byte ("a-c" and
  // "ab", upper and lower case), and the same id live and as a tombstone at the same time.
  const live: [number, string, "PUBLISHED" | "DRAFT"][] = [
    [0, "ab", "PUBLISHED"],
    [0, "a-c", "PUBLISHED"],
    [0, "B", "DRAFT"],
    [0, "a", "PUBLISHED"],
    [1, "x", "PUBLISHED"],
    [1, "a_b", "DRAFT"],
    [2, "Z9", "PUBLISHED"],
    [2, "z", "PUBLISHED"],
  ];
  const tombstones: [number, string][] = [
    [0, "aa"],
    [0, "A"],
    [1, "x"],
    [1, "a-a"],
    [3, "gone"],
  ];
  const expected = [
    ...live.map(([t, local, status]) => pos(t, local, status === "DRAFT")),
    ...tombstones.map(([t, local]) => pos(t, local, true)),
  ].sort(comparePositions);
  const key = (p: FeedPosition) => `${p.changedAt.getTime() - at(0).getTime()}:${p.local}:${p.removed ? "removed" : "upsert"}`;

  async function fill() {
    if ((await db.prisma.resource.count()) > 0) return;
    for (const [t, local, status] of live) {
      await db.sql.query(`INSERT INTO "Resource" (local, title, kind, status, "updatedAt") VALUES ($1, $2, 'GUIDE', $3, $4::timestamp)`, [local, `Title ${local}`, status, at(t).toISOString()]);
    }
    for (const [t, local] of tombstones) await db.sql.query(`INSERT INTO "Tombstone" (local, "deletedAt") VALUES ($1, $2::timestamp)`, [local, at(t).toISOString()]);
  }

  it("the expected order puts a removal after an upsert of the same id at the same time", () => {
    const i = expected.findIndex((p) => p.local === "x");
    expect(expected.slice(i, i + 2).map(key)).toEqual(["1:x:upsert", "1:x:removed"]);
    expect(expected.filter((p) => p.changedAt.getTime() === at(0).getTime()).map((p) => p.local)).toEqual(["A", "B", "a", "a-c", "aa", "ab"]);
  });

  it.each([1, 2, 3, 5, 100])("lists every change once, in order, in pages of %i, each of at most two statements", async (size) => {
    await fill();
    const seen: FeedPosition[] = [];
    const remaining: number[] = [];
    let after: string | null = null;
    for (let i = 0; i < 50; i++) {
      const before = db.statements.count;
      const page: Awaited<ReturnType<typeof resourceFeed>> = await resourceFeed(db.prisma, after, size);
      const statements = db.statements.count - before;
      expect(statements).toBe(page.entries.some((e) => !e.removed) ? 2 : 1);
      for (const e of page.entries) {
        seen.push({ changedAt: e.changedAt, local: e.local, removed: e.removed });
        // Nodes for upserts only, and only published ones.
        if (e.removed) expect(e.node).toBeNull();
        else expect(e.node).toMatchObject({ local: e.local, status: "PUBLISHED" });
      }
      remaining.push(page.remaining);
      expect(page.hasNextPage).toBe(seen.length < expected.length);
      after = page.endCursor;
      if (!page.hasNextPage) break;
    }
    expect(seen.map(key)).toEqual(expected.map(key));
    expect(remaining).toEqual(remaining.map((_, i) => Math.max(expected.length - size * (i + 1), 0)));
    // Nothing new: one empty page, whose cursor is the one given.
    const empty = await resourceFeed(db.prisma, after, size);
    expect(empty).toEqual({ entries: [], hasNextPage: false, remaining: 0, endCursor: after });
  });

  it("resumes exactly after a cursor in the middle of a tie", async () => {
    await fill();
    for (let i = 0; i < expected.length; i++) {
      const page = await resourceFeed(db.prisma, encodeCursor(expected[i]!), 100);
      expect(page.entries.map(key), key(expected[i]!)).toEqual(expected.slice(i + 1).map(key));
    }
  });

  it("reads a legacy cursor as a position among upserts", async () => {
    await fill();
    const legacy = Buffer.from(`${at(1).toISOString()}|x`, "utf8").toString("base64url");
    const page = await resourceFeed(db.prisma, legacy, 100);
    expect(page.entries.map(key)[0]).toBe("1:x:removed");
  });

  it("refuses a bad cursor and a bad page size before any statement", async () => {
    const before = db.statements.count;
    await expect(resourceFeed(db.prisma, "nope", 10)).rejects.toMatchObject({ extensions: { code: "BAD_USER_INPUT", argumentPath: ["after"] } });
    await expect(resourceFeed(db.prisma, null, 0)).rejects.toMatchObject({ extensions: { code: "BAD_USER_INPUT", argumentPath: ["first"] } });
    expect(db.statements.count).toBe(before);
  });
});

describe("readChanges", () => {
  const row = (t: number, local: string, removed: boolean, total: number): ChangeRow => ({ changedAt: at(t), local, removed, total });

  it("reports an upsert whose row vanished (or stopped being carried) before its node was read as a removal", async () => {
    const page = await readChanges<{ local: string; ok: boolean }>(
      {
        table: "T",
        removedSql: "false",
        query: async () => [row(1, "gone", false, 3), row(1, "hidden", false, 3), row(2, "kept", false, 3)],
        nodes: async () => [{ local: "hidden", ok: false }, { local: "kept", ok: true }],
        carried: (n) => n.ok,
      },
      null,
      2,
    );
    expect(page.entries).toEqual([
      { changedAt: at(1), local: "gone", removed: true, node: null },
      { changedAt: at(1), local: "hidden", removed: true, node: null },
    ]);
    expect(page).toMatchObject({ hasNextPage: true, remaining: 1 });
    // The cursor stays at the position the statement ordered by.
    expect(decodeCursor(page.endCursor)).toEqual(pos(1, "hidden", false));
  });

  it("reads timestamps a driver returns as text without a zone as UTC", async () => {
    const page = await readChanges<{ local: string }>(
      { table: "T", removedSql: "false", query: async () => [{ changedAt: "2026-01-01 00:00:00.005", local: "a", removed: true, total: "1" }], nodes: async () => [] },
      null,
      10,
    );
    expect(page.entries[0]!.changedAt).toEqual(at(5));
    expect(page.remaining).toBe(0);
  });
});

// The change feed's cursor and order (subgraphs/shared/feed.ts): the cursor round-trips exactly, bad
// cursors (and those of the time-ordered feed before) are a clear BAD_USER_INPUT, and entries are in
// (transaction, local id, removal after upsert) order whether they come from live rows or tombstones:
// checked on the real statement, run by a resources partner's feed on an in-memory database, page by
// page at several page sizes. Removals are listed to signed readers only.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GraphQLError } from "graphql";
import {
  comparePositions,
  decodeCursor,
  encodeCursor,
  HOLD_RETRIES,
  isAfter,
  itemVersion,
  pageSize,
  readChanges,
  type ChangeRow,
  type FeedPosition,
} from "../../subgraphs/shared/feed.ts";
import { openDatabase, type OpenedDatabase } from "../../lib/db/open.ts";
import { KIND_PRISMA } from "../../subgraphs/shared/prisma-paths.ts";
import { PrismaClient } from "../../subgraphs/resources/generated/prisma/client.ts";
import { resources } from "../../subgraphs/resources/data/resources.ts";

const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms);
const pos = (xid: number | string, local: string, removed = false): FeedPosition => ({
  xid: String(xid),
  local,
  removed,
});

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
    ["a 64-bit transaction id and an id with - and _", pos("9223372036854775806", "Care-home_safety-2")],
  ])("round-trips %s exactly", (_, p) => {
    const cursor = encodeCursor(p);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual(p);
  });

  it("tells an upsert from a removal of the same transaction and id", () => {
    expect(encodeCursor(pos(5, "x"))).not.toBe(encodeCursor(pos(5, "x", true)));
  });

  it("reads no cursor as the start of the feed", () => {
    expect(decodeCursor(undefined)).toBeUndefined();
    expect(decodeCursor(null)).toBeUndefined();
    expect(decodeCursor("")).toBeUndefined();
  });

  // Read by time, an old cursor could skip changes; refused, it makes the harvester start again.
  it.each([
    [
      "of the time-ordered feed",
      Buffer.from(JSON.stringify([at(42).toISOString(), "care-home-safety", 0])).toString("base64url"),
    ],
    [
      "of the feed before removals existed",
      Buffer.from(`${at(42).toISOString()}|care-home-safety`, "utf8").toString("base64url"),
    ],
  ])("refuses a cursor %s as BAD_USER_INPUT on `after`", (_, cursor) => {
    expect(badInputPath(() => decodeCursor(cursor))).toEqual(["after"]);
  });

  it.each([
    ["garbage", "not a cursor!"],
    ["JSON of the wrong shape", Buffer.from(JSON.stringify({ t: 1 })).toString("base64url")],
    [
      "a transaction that is not a number",
      Buffer.from(JSON.stringify(["x", "yesterday", "a", 0])).toString("base64url"),
    ],
    [
      "a transaction beyond 64 bits",
      Buffer.from(JSON.stringify(["x", "9223372036854775808", "a", 0])).toString("base64url"),
    ],
    ["an empty id", Buffer.from(JSON.stringify(["x", "1", "", 0])).toString("base64url")],
    ["a removal flag that is not 0 or 1", Buffer.from(JSON.stringify(["x", "1", "a", 2])).toString("base64url")],
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
  it("orders by transaction (as numbers, not text), then id, then an upsert before a removal", () => {
    expect([pos(10, "a"), pos(9, "a")].sort(comparePositions)).toEqual([pos(9, "a"), pos(10, "a")]);
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
    db = await openDatabase({ kind: "embedded" }, KIND_PRISMA.resources.migrations, (o) => new PrismaClient(o));
  });
  afterAll(async () => {
    await db?.close();
  });

  // Written in four transactions (ties on transaction everywhere), with ids that sort differently under
  // a locale than byte by byte ("a-c" and "ab", upper and lower case), and the same id live and as a
  // tombstone in one transaction. Times run backwards: the order must not follow them.
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
  /** The transaction id each group was written in (read back after writing). */
  const xids: string[] = [];
  const expectedOf = (removals = true) =>
    [
      ...live.map(([t, local, status]) => pos(xids[t]!, local, status === "DRAFT")),
      ...tombstones.map(([t, local]) => pos(xids[t]!, local, true)),
    ]
      .filter((p) => removals || !p.removed)
      .sort(comparePositions);
  const key = (p: FeedPosition) => `${xids.indexOf(p.xid)}:${p.local}:${p.removed ? "removed" : "upsert"}`;

  async function fill() {
    if (xids.length) return;
    const q = (v: string) => `'${v}'`;
    for (let t = 0; t <= 3; t++) {
      const statements = [
        ...live
          .filter(([g]) => g === t)
          .map(
            ([, local, status]) =>
              `INSERT INTO "Resource" (local, title, kind, status, "updatedAt") VALUES (${q(local)}, ${q(`Title ${local}`)}, 'GUIDE', ${q(status)}, ${q(at(1000 - t).toISOString())}::timestamp);`,
          ),
        ...tombstones
          .filter(([g]) => g === t)
          .map(
            ([, local]) =>
              `INSERT INTO "Tombstone" (local, "deletedAt") VALUES (${q(local)}, ${q(at(1000 - t).toISOString())}::timestamp);`,
          ),
      ];
      await db.sql.exec(`BEGIN; ${statements.join(" ")} COMMIT;`);
      const [row] = await db.sql.query<{ xid: string }>(
        `SELECT "changeXid"::text AS xid FROM (SELECT local, "changeXid" FROM "Resource" UNION ALL SELECT local, "changeXid" FROM "Tombstone") c WHERE local = $1`,
        [(live.find(([g]) => g === t) ?? tombstones.find(([g]) => g === t))![1]],
      );
      xids.push(row!.xid);
    }
  }

  it("stamps each row with the transaction that wrote it, later transactions higher", async () => {
    await fill();
    expect(new Set(xids).size).toBe(4);
    expect(xids.map(BigInt)).toEqual([...xids.map(BigInt)].sort((a, b) => (a < b ? -1 : 1)));
    // An update moves the row to its own, later transaction (a scratch row, removed again unseen).
    const xidOf = async () =>
      BigInt(
        (
          await db.sql.query<{ xid: string }>(`SELECT "changeXid"::text AS xid FROM "Resource" WHERE local = 'scratch'`)
        )[0]!.xid,
      );
    await db.sql.exec(
      `INSERT INTO "Resource" (local, title, kind, "updatedAt") VALUES ('scratch', 'Scratch', 'GUIDE', now())`,
    );
    const inserted = await xidOf();
    await db.sql.exec(`UPDATE "Resource" SET summary = 'moved' WHERE local = 'scratch'`);
    const updated = await xidOf();
    await db.sql.exec(`DELETE FROM "Resource" WHERE local = 'scratch'`);
    expect(inserted).toBeGreaterThan(BigInt(xids[3]!));
    expect(updated).toBeGreaterThan(inserted);
  });

  it.each([1, 2, 3, 5, 100])(
    "lists every change once, in order, in pages of %i, each of at most two statements",
    async (size) => {
      await fill();
      const expected = expectedOf();
      const seen: FeedPosition[] = [];
      const remaining: number[] = [];
      let after: string | null = null;
      for (let i = 0; i < 50; i++) {
        const before = db.statements.count;
        const page: Awaited<ReturnType<typeof resources.feed>> = await resources.feed(db.prisma, after, size);
        const statements = db.statements.count - before;
        expect(statements).toBe(page.entries.some((e) => !e.removed) ? 2 : 1);
        for (const e of page.entries) {
          seen.push({ xid: e.xid, local: e.local, removed: e.removed });
          // Nodes (and versions) for upserts only, and only published ones.
          if (e.removed) expect([e.node, e.version]).toEqual([null, null]);
          else {
            expect(e.node).toMatchObject({ local: e.local, status: "PUBLISHED" });
            expect(e.version).toBe(itemVersion(e.node!));
          }
        }
        remaining.push(page.remaining);
        expect(page.hasNextPage).toBe(seen.length < expected.length);
        after = page.endCursor;
        if (!page.hasNextPage) break;
      }
      expect(seen.map(key)).toEqual(expected.map(key));
      expect(remaining).toEqual(remaining.map((_, i) => Math.max(expected.length - size * (i + 1), 0)));
      // Nothing new: one empty page, whose cursor is the one given.
      const empty = await resources.feed(db.prisma, after, size);
      expect(empty).toEqual({ entries: [], hasNextPage: false, remaining: 0, endCursor: after });
    },
  );

  it("resumes exactly after a cursor in the middle of a tie", async () => {
    await fill();
    const expected = expectedOf();
    for (let i = 0; i < expected.length; i++) {
      const page = await resources.feed(db.prisma, encodeCursor(expected[i]!), 100);
      expect(page.entries.map(key), key(expected[i]!)).toEqual(expected.slice(i + 1).map(key));
    }
  });

  it("lists no removal to a reader without removals: no draft's or deleted item's id", async () => {
    await fill();
    const seen: FeedPosition[] = [];
    let after: string | null = null;
    for (let i = 0; i < 50; i++) {
      const page: Awaited<ReturnType<typeof resources.feed>> = await resources.feed(db.prisma, after, 2, {
        removals: false,
      });
      seen.push(...page.entries);
      after = page.endCursor;
      if (!page.hasNextPage) break;
    }
    expect(seen.map(key)).toEqual(expectedOf(false).map(key));
    expect(seen.map((p) => p.local)).not.toContain("B");
    expect(seen.map((p) => p.local)).not.toContain("gone");
  });

  it("lists every published id with the version the feed gives it, in pages", async () => {
    await fill();
    const feedVersions = new Map(
      (await resources.feed(db.prisma, null, 100)).entries.filter((e) => !e.removed).map((e) => [e.local, e.version]),
    );
    const listed: { local: string; version: string }[] = [];
    let after: string | null = null;
    for (let i = 0; i < 20; i++) {
      const page: Awaited<ReturnType<typeof resources.versions>> = await resources.versions(db.prisma, after, 2);
      listed.push(...page.entries);
      after = page.endCursor;
      if (!page.hasNextPage) break;
    }
    expect(new Map(listed.map((e) => [e.local, e.version]))).toEqual(feedVersions);
    expect(listed).toHaveLength(feedVersions.size);
    // A change to the row, however made, is a new version.
    const before = feedVersions.get("ab");
    await db.sql.exec(
      `ALTER TABLE "Resource" DISABLE TRIGGER "Resource_change_xid"; UPDATE "Resource" SET title = 'Changed behind the feed' WHERE local = 'ab'; ALTER TABLE "Resource" ENABLE TRIGGER "Resource_change_xid";`,
    );
    const after2 = (await resources.versions(db.prisma, null, 100)).entries.find((e) => e.local === "ab")!.version;
    expect(after2).not.toBe(before);
    await expect(resources.versions(db.prisma, "not a cursor!", 10)).rejects.toMatchObject({
      extensions: { code: "BAD_USER_INPUT", argumentPath: ["after"] },
    });
  });

  it("refuses a bad cursor and a bad page size before any statement", async () => {
    const before = db.statements.count;
    await expect(resources.feed(db.prisma, "nope", 10)).rejects.toMatchObject({
      extensions: { code: "BAD_USER_INPUT", argumentPath: ["after"] },
    });
    await expect(resources.feed(db.prisma, null, 0)).rejects.toMatchObject({
      extensions: { code: "BAD_USER_INPUT", argumentPath: ["first"] },
    });
    expect(db.statements.count).toBe(before);
  });
});

describe("readChanges", () => {
  const row = (xid: number, local: string, removed: boolean, total: number): ChangeRow => ({
    xid: String(xid),
    changedAt: at(xid),
    local,
    removed,
    total,
  });

  it("reports an upsert whose row vanished (or stopped being carried) before its node was read as a removal", async () => {
    const page = await readChanges<{ local: string; ok: boolean }>(
      {
        table: "T",
        removedSql: "false",
        query: async () => [row(1, "gone", false, 3), row(1, "hidden", false, 3), row(2, "kept", false, 3)],
        nodes: async () => [
          { local: "hidden", ok: false },
          { local: "kept", ok: true },
        ],
        carried: (n) => n.ok,
      },
      null,
      2,
    );
    expect(page.entries).toEqual([
      { xid: "1", changedAt: at(1), local: "gone", removed: true, node: null, version: null },
      { xid: "1", changedAt: at(1), local: "hidden", removed: true, node: null, version: null },
    ]);
    expect(page).toMatchObject({ hasNextPage: true, remaining: 1 });
    // The cursor stays at the position the statement ordered by.
    expect(decodeCursor(page.endCursor)).toEqual(pos(1, "hidden", false));
  });

  it("reads timestamps a driver returns as text without a zone as UTC", async () => {
    const page = await readChanges<{ local: string }>(
      {
        table: "T",
        removedSql: "false",
        query: async () => [{ xid: "7", changedAt: "2026-01-01 00:00:00.005", local: "a", removed: true, total: "1" }],
        nodes: async () => [],
      },
      null,
      10,
    );
    expect(page.entries[0]!.changedAt).toEqual(at(5));
    expect(page.remaining).toBe(0);
  });

  describe("when committed changes wait behind a transaction still running", () => {
    const empty = (held: number): ChangeRow => ({
      local: null,
      xid: null,
      changedAt: null,
      removed: null,
      total: 0,
      held,
    });
    const source = (answers: ChangeRow[][]) => {
      let calls = 0;
      return {
        calls: () => calls,
        source: {
          table: "T",
          removedSql: "false",
          query: async () => answers[Math.min(calls++, answers.length - 1)]!,
          nodes: async () => [],
        },
      };
    };

    it("reads the last page again until they can be listed", async () => {
      const s = source([[empty(1)], [empty(1)], [{ ...row(9, "late", true, 1), held: 0 }]]);
      const page = await readChanges<{ local: string }>(s.source, null, 10);
      expect(page.entries.map((e) => e.local)).toEqual(["late"]);
      expect(s.calls()).toBe(3);
    });

    it("gives up after a few reads, answering what may be listed (nothing is skipped: the cursor stays)", async () => {
      const s = source([[empty(2)]]);
      const page = await readChanges<{ local: string }>(s.source, encodeCursor(pos(5, "a")), 10);
      expect(page).toEqual({ entries: [], hasNextPage: false, remaining: 0, endCursor: encodeCursor(pos(5, "a")) });
      expect(s.calls()).toBe(1 + HOLD_RETRIES);
    });

    it("does not wait on a page that is not the last", async () => {
      const s = source([
        [
          { ...row(1, "a", true, 3), held: 1 },
          { ...row(2, "b", true, 3), held: 1 },
          { ...row(3, "c", true, 3), held: 1 },
        ],
      ]);
      const page = await readChanges<{ local: string }>(s.source, null, 2);
      expect(page.hasNextPage).toBe(true);
      expect(s.calls()).toBe(1);
    });
  });
});

// The embedded store's folders: a new partner database is a copy of the template cluster, what is
// written survives a restart, and a folder that is not a database is never overwritten.
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import fs from "node:fs";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEmbedded } from "../../lib/db/embedded.ts";
import { openDatabase } from "../../lib/db/open.ts";
import { KIND_PRISMA } from "../../subgraphs/shared/prisma-paths.ts";
import { loadConfig } from "../../lib/config.ts";

const root = mkdtempSync(join(tmpdir(), "embedded-store-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("an embedded database in a folder", { timeout: 60_000 }, () => {
  it("starts empty, keeps what was written across a restart, and leaves no partial copy behind", async () => {
    const dir = join(root, "partners", "essex-cc");
    const first = await openEmbedded(dir);
    expect((await first.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`)).rows).toEqual([
      { n: 0 },
    ]);
    await first.exec(`CREATE TABLE note (body text); INSERT INTO note VALUES ('kept')`);
    await first.close();
    const again = await openEmbedded(dir);
    expect((await again.query(`SELECT body FROM note`)).rows).toEqual([{ body: "kept" }]);
    await again.close();
    expect(readdirSync(join(root, "partners"))).toEqual(["essex-cc"]);
  });

  it("gives two partners separate databases", async () => {
    const [a, b] = [await openEmbedded(join(root, "a")), await openEmbedded(join(root, "b"))];
    await a.exec(`CREATE TABLE only_in_a (x int)`);
    expect((await b.query(`SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'only_in_a'`)).rows).toEqual([
      { n: 0 },
    ]);
    await a.close();
    await b.close();
  });

  it("uses an empty folder, and refuses a folder holding something else without touching it", async () => {
    const empty = join(root, "empty");
    mkdirSync(empty);
    await (await openEmbedded(empty)).close();
    expect(existsSync(join(empty, "PG_VERSION"))).toBe(true);
    const other = join(root, "other");
    mkdirSync(other);
    writeFileSync(join(other, "notes.txt"), "mine");
    await expect(openEmbedded(other)).rejects.toThrow(/is not a database folder/);
    expect(readdirSync(other)).toEqual(["notes.txt"]);
    expect(readdirSync(root).filter((f) => f.includes("partial"))).toEqual([]);
  });
});

// PGlite's defaults start PostgreSQL with -F (fsync off), and its WASM file system drops fsync and
// fdatasync: a commit was only in the OS page cache. These prove a commit now reaches the disk.
describe("durability of an embedded database in a folder", { timeout: 60_000 }, () => {
  afterEach(() => vi.restoreAllMocks());
  const commits = async (db: Awaited<ReturnType<typeof openEmbedded>>, n: number) => {
    await db.exec(`CREATE TABLE IF NOT EXISTS t (id serial PRIMARY KEY, v text)`);
    const sync = vi.spyOn(fs, "fsyncSync");
    for (let i = 0; i < n; i++) await db.query(`INSERT INTO t (v) VALUES ($1)`, [`row ${i}`]);
    const calls = sync.mock.calls.length;
    sync.mockRestore();
    return calls;
  };

  it("runs with fsync on by default and flushes every commit to the host disk", async () => {
    const db = await openEmbedded(join(root, "durable"));
    expect((await db.query(`SHOW fsync`)).rows).toEqual([{ fsync: "on" }]);
    expect((await db.query(`SHOW wal_sync_method`)).rows).toEqual([{ wal_sync_method: "fsync" }]);
    expect(await commits(db, 10)).toBeGreaterThanOrEqual(10);
    await db.close();
    const again = await openEmbedded(join(root, "durable"));
    expect((await again.query(`SELECT count(*)::int AS n FROM t`)).rows).toEqual([{ n: 10 }]);
    await again.close();
  });

  it("with fsync off (EMBEDDED_FSYNC=off, for tests and benchmarks) flushes nothing", async () => {
    const db = await openEmbedded(join(root, "fast"), { fsync: false });
    expect((await db.query(`SHOW fsync`)).rows).toEqual([{ fsync: "off" }]);
    expect(await commits(db, 10)).toBe(0);
    await db.close();
  });

  it("a partner's store opened as services open it has fsync on unless the setting turns it off", async () => {
    expect(loadConfig({}).EMBEDDED_FSYNC).toBe(true);
    expect(loadConfig({ EMBEDDED_FSYNC: "off" }).EMBEDDED_FSYNC).toBe(false);
    const db = await openDatabase(
      { kind: "embedded", dataDir: join(root, "service"), fsync: loadConfig({}).EMBEDDED_FSYNC },
      KIND_PRISMA.resources.migrations,
      () => ({ $disconnect: async () => undefined }),
    );
    expect(await db.sql.query(`SHOW fsync`)).toEqual([{ fsync: "on" }]);
    await db.close();
  });
});

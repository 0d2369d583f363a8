// The embedded store's folders: a new partner database is a copy of the template cluster, what is
// written survives a restart, and a folder that is not a database is never overwritten.
import { afterAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEmbedded } from "../../lib/db/embedded.ts";

const root = mkdtempSync(join(tmpdir(), "embedded-store-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("an embedded database in a folder", { timeout: 60_000 }, () => {
  it("starts empty, keeps what was written across a restart, and leaves no partial copy behind", async () => {
    const dir = join(root, "partners", "essex-cc");
    const first = await openEmbedded(dir);
    expect((await first.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`)).rows).toEqual([{ n: 0 }]);
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
    expect((await b.query(`SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'only_in_a'`)).rows).toEqual([{ n: 0 }]);
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

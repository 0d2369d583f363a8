// Migration drift: each kind's committed migrations must build exactly the tables its Prisma schema
// describes (a service applies the migrations, Prisma queries by the schema). Also the migrator's own
// promises: idempotent, recorded as `prisma migrate deploy` records them, and refusing edited history.
import { describe, it, expect, afterAll } from "vitest";
import { createHash } from "node:crypto";
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { openEmbedded } from "../../lib/db/embedded.ts";
import { applyMigrations, readMigrations, type SqlRunner } from "../../lib/db/migrate.ts";
import { driftSteps } from "../../lib/db/schema-engine.ts";
import { KIND_PRISMA } from "../../subgraphs/shared/prisma-paths.ts";
import { ALL_KINDS } from "../../schema/kinds.ts";

const opened: PGlite[] = [];
const temps: string[] = [];

async function freshDb(): Promise<{ db: PGlite; runner: SqlRunner }> {
  const db = await openEmbedded();
  opened.push(db);
  const runner: SqlRunner = {
    exec: async (s) => void (await db.exec(s)),
    query: async (s, p) => (await db.query(s, p)).rows as never,
  };
  return { db, runner };
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "dpic-migrations-test-"));
  temps.push(dir);
  return dir;
}

afterAll(async () => {
  for (const db of opened) await db.close().catch(() => undefined);
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

describe("committed migrations match the Prisma schemas", { timeout: 120_000 }, () => {
  it.each(ALL_KINDS.map((k) => [k]))("%s: migrations applied to an empty database leave no drift", async (kind) => {
    const { schema, migrations } = KIND_PRISMA[kind];
    expect(readMigrations(migrations).length, `${kind} has no committed migrations`).toBeGreaterThan(0);
    const { db, runner } = await freshDb();
    const applied = await applyMigrations(runner, migrations);
    expect(applied).toEqual(readMigrations(migrations).map((m) => m.name));
    const drift = await driftSteps(schema, db);
    expect(drift.unexecutable).toEqual([]);
    expect(
      drift.executedSteps,
      `subgraphs/${kind}/prisma/schema.prisma and its migrations disagree: write a migration`,
    ).toBe(0);
  });

  it("reports drift when the schema has a column the migrations do not create", async () => {
    const { schema, migrations } = KIND_PRISMA.resources;
    const original = readFileSync(schema, "utf8");
    const changed = original.replace(/model Resource \{\n/, "model Resource {\n  reviewedBy  String?\n");
    expect(changed, "the test could not add a column to the Resource model").not.toBe(original);
    const copy = join(tempDir(), "schema.prisma");
    writeFileSync(copy, changed);
    const { db, runner } = await freshDb();
    await applyMigrations(runner, migrations);
    const drift = await driftSteps(copy, db);
    expect(drift.executedSteps).toBeGreaterThan(0);
  });
});

describe("applyMigrations", { timeout: 120_000 }, () => {
  it("applies nothing the second time and records each migration with the sha256 of its file", async () => {
    const { migrations } = KIND_PRISMA.projects;
    const { runner } = await freshDb();
    const first = await applyMigrations(runner, migrations);
    expect(first.length).toBeGreaterThan(0);
    expect(await applyMigrations(runner, migrations)).toEqual([]);

    const rows = await runner.query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      rolled_back_at: Date | null;
    }>(
      `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(rows.map((r) => r.migration_name)).toEqual(first);
    for (const row of rows) {
      const file = readFileSync(join(migrations, row.migration_name, "migration.sql"));
      expect(row.checksum, row.migration_name).toBe(createHash("sha256").update(file).digest("hex"));
      expect(row.finished_at, row.migration_name).not.toBeNull();
      expect(row.rolled_back_at, row.migration_name).toBeNull();
    }
    // The tables exist once, not twice: a second run really was a no-op.
    const tables = await runner.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tablename = 'Project'`,
    );
    expect(tables[0]?.n).toBe(1);
  });

  it("refuses a migration that was modified after it was applied, naming it", async () => {
    const dir = join(tempDir(), "migrations");
    cpSync(KIND_PRISMA.networks.migrations, dir, { recursive: true });
    const { runner } = await freshDb();
    const applied = await applyMigrations(runner, dir);
    const name = applied[0]!;
    expect(name).toBeDefined();
    appendFileSync(join(dir, name, "migration.sql"), "\n-- edited after it was applied\n");
    await expect(applyMigrations(runner, dir)).rejects.toThrow(
      new RegExp(`migration ${name} was modified after it was applied \\(checksum differs\\)`),
    );
  });

  it("applies a new migration added after the first run, and only that one", async () => {
    const dir = join(tempDir(), "migrations");
    cpSync(KIND_PRISMA.resources.migrations, dir, { recursive: true });
    const { runner } = await freshDb();
    const first = await applyMigrations(runner, dir);
    const next = "99991231000000_add_reviewed_by";
    cpSync(join(dir, first[0]!), join(dir, next), { recursive: true });
    writeFileSync(join(dir, next, "migration.sql"), `ALTER TABLE "Resource" ADD COLUMN "reviewedBy" TEXT;\n`);
    expect(await applyMigrations(runner, dir)).toEqual([next]);
    const cols = await runner.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'Resource' AND column_name = 'reviewedBy'`,
    );
    expect(cols).toHaveLength(1);
  });

  it("names a migration whose SQL fails and records nothing for it", async () => {
    const dir = join(tempDir(), "migrations");
    cpSync(KIND_PRISMA.resources.migrations, dir, { recursive: true });
    const { runner } = await freshDb();
    await applyMigrations(runner, dir);
    const bad = "99991231000000_broken";
    cpSync(join(dir, readMigrations(dir)[0]!.name), join(dir, bad), { recursive: true });
    writeFileSync(
      join(dir, bad, "migration.sql"),
      `ALTER TABLE "Resource" ADD COLUMN "x" TEXT;\nALTER TABLE "NoSuchTable" ADD COLUMN "y" TEXT;\n`,
    );
    await expect(applyMigrations(runner, dir)).rejects.toThrow(new RegExp(`migration ${bad} failed`));
    const recorded = await runner.query<{ migration_name: string }>(
      `SELECT migration_name FROM "_prisma_migrations" WHERE migration_name = $1`,
      [bad],
    );
    expect(recorded).toEqual([]);
    // The migration's transaction was rolled back: its first statement left nothing behind.
    const cols = await runner.query(
      `SELECT 1 FROM information_schema.columns WHERE table_name = 'Resource' AND column_name = 'x'`,
    );
    expect(cols).toEqual([]);
  });
});

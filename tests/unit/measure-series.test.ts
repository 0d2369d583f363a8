// MeasureSeries is derived from DataPoint by a trigger (projects migration *_measure_series): every
// way of changing points (insert, upsert, update, delete, deleting the measure or the project) leaves
// each measure's series equal to its rows in date order, and a measure without points has no series.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PGlite } from "@electric-sql/pglite";
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEmbedded } from "../../lib/db/embedded.ts";
import { applyMigrations } from "../../lib/db/migrate.ts";
import { KIND_PRISMA } from "../../subgraphs/shared/prisma-paths.ts";
import { decodeSeries } from "../../subgraphs/projects/data/measures.ts";

let db: PGlite;
beforeAll(async () => {
  db = await openEmbedded();
  await applyMigrations(
    { exec: async (s) => void (await db.exec(s)), query: async (s, p) => (await db.query(s, p)).rows as never },
    KIND_PRISMA.projects.migrations,
  );
  await db.exec(`INSERT INTO "Project" (local, title, aim, status, "updatedAt") VALUES ('p', 'P', 'Aim', 'ACTIVE', now()), ('q', 'Q', 'Aim', 'ACTIVE', now());
    INSERT INTO "Measure" (id, "projectLocal", name, unit, improvement) VALUES ('m1', 'p', 'Falls', 'count', 'DECREASE'), ('m2', 'p', 'Days', 'days', 'INCREASE'), ('m3', 'q', 'Q', 'count', 'INCREASE')`);
}, 60_000);
afterAll(async () => db?.close());

const series = async () =>
  Object.fromEntries(
    (
      await db.query<{ measureId: string; points: string }>(
        `SELECT "measureId", points FROM "MeasureSeries" ORDER BY 1`,
      )
    ).rows.map((r) => [r.measureId, decodeSeries(r.points)]),
  );

describe("a measure's series", () => {
  it("follows inserts in date order, whatever order the points arrive in", async () => {
    await db.exec(
      `INSERT INTO "DataPoint" ("measureId", date, value, note) VALUES ('m1', '2026-03-01', 3, null), ('m1', '2026-01-01', 1.5, 'first'), ('m2', '2026-01-01', 0.1, null)`,
    );
    await db.exec(`INSERT INTO "DataPoint" ("measureId", date, value) VALUES ('m1', '2026-02-01', 2)`);
    expect(await series()).toEqual({
      m1: [
        { date: "2026-01-01", value: 1.5, note: "first", numerator: null, denominator: null },
        { date: "2026-02-01", value: 2, note: null, numerator: null, denominator: null },
        { date: "2026-03-01", value: 3, note: null, numerator: null, denominator: null },
      ],
      m2: [{ date: "2026-01-01", value: 0.1, note: null, numerator: null, denominator: null }],
    });
  });

  it("follows upserts, updates and deletes, keeping values exact", async () => {
    await db.exec(`INSERT INTO "DataPoint" ("measureId", date, value) VALUES ('m1', '2026-02-01', 0.30000000000000004), ('m1', '2026-04-01', 4)
      ON CONFLICT ("measureId", date) DO UPDATE SET value = EXCLUDED.value`);
    await db.exec(`UPDATE "DataPoint" SET note = 'checked' WHERE "measureId" = 'm1' AND date = '2026-03-01'`);
    await db.exec(`DELETE FROM "DataPoint" WHERE "measureId" = 'm1' AND date = '2026-01-01'`);
    expect((await series()).m1).toEqual([
      { date: "2026-02-01", value: 0.30000000000000004, note: null, numerator: null, denominator: null },
      { date: "2026-03-01", value: 3, note: "checked", numerator: null, denominator: null },
      { date: "2026-04-01", value: 4, note: null, numerator: null, denominator: null },
    ]);
  });

  it("disappears with the measure's last point, and with the measure or its project", async () => {
    await db.exec(`DELETE FROM "DataPoint" WHERE "measureId" = 'm2'`);
    expect(Object.keys(await series())).toEqual(["m1"]);
    await db.exec(`INSERT INTO "DataPoint" ("measureId", date, value) VALUES ('m3', '2026-01-01', 1)`);
    await db.exec(`DELETE FROM "Measure" WHERE id = 'm3'`);
    expect(Object.keys(await series())).toEqual(["m1"]);
    await db.exec(`DELETE FROM "Project" WHERE local = 'p'`);
    expect(await series()).toEqual({});
  });

  it("is rolled back with the transaction that changed the points", async () => {
    await db.exec(`INSERT INTO "Project" (local, title, aim, status, "updatedAt") VALUES ('r', 'R', 'Aim', 'ACTIVE', now());
      INSERT INTO "Measure" (id, "projectLocal", name, unit, improvement) VALUES ('m4', 'r', 'R', 'count', 'INCREASE');
      INSERT INTO "DataPoint" ("measureId", date, value) VALUES ('m4', '2026-01-01', 1)`);
    await expect(
      db.transaction(async (tx) => {
        await tx.exec(`INSERT INTO "DataPoint" ("measureId", date, value) VALUES ('m4', '2026-02-01', 2)`);
        throw new Error("abandon");
      }),
    ).rejects.toThrow("abandon");
    expect((await series()).m4).toEqual([
      { date: "2026-01-01", value: 1, note: null, numerator: null, denominator: null },
    ]);
  });
});

describe("the stored form", () => {
  it("keeps each point's numerator and denominator, and refuses one without the other or a denominator of 0", async () => {
    await db.exec(`INSERT INTO "Project" (local, title, aim, status, "updatedAt") VALUES ('ratio', 'R', 'Aim', 'ACTIVE', now());
      INSERT INTO "Measure" (id, "projectLocal", name, unit, improvement) VALUES ('m6', 'ratio', 'Falls', 'falls per 1,000 occupied bed days', 'DECREASE');
      INSERT INTO "DataPoint" ("measureId", date, value, numerator, denominator) VALUES ('m6', '2026-01-01', 5, 10, 2000), ('m6', '2026-02-01', 4.5, null, null)`);
    expect((await series()).m6).toEqual([
      { date: "2026-01-01", value: 5, note: null, numerator: 10, denominator: 2000 },
      { date: "2026-02-01", value: 4.5, note: null, numerator: null, denominator: null },
    ]);
    for (const [n, d] of [
      ["10", "null"],
      ["null", "2000"],
      ["10", "0"],
      ["-1", "2000"],
    ]) {
      await expect(
        db.exec(
          `INSERT INTO "DataPoint" ("measureId", date, value, numerator, denominator) VALUES ('m6', '2026-03-01', 5, ${n}, ${d})`,
        ),
        `${n}/${d}`,
      ).rejects.toThrow(/DataPoint_ratio_check/);
    }
    expect((await series()).m6).toHaveLength(2);
  });

  it("keeps notes with quotes, backslashes and non-ASCII text, and values at full precision", async () => {
    await db.exec(`INSERT INTO "Project" (local, title, aim, status, "updatedAt") VALUES ('s', 'S', 'Aim', 'ACTIVE', now());
      INSERT INTO "Measure" (id, "projectLocal", name, unit, improvement) VALUES ('m5', 's', 'S', 'count', 'INCREASE');
      INSERT INTO "DataPoint" ("measureId", date, value, note) VALUES ('m5', '2026-01-01', 1e-300, E'ward "A"\\\\b \u00e9 \\n'), ('m5', '2026-02-01', 123456789.12345679, null)`);
    expect((await series()).m5).toEqual([
      { date: "2026-01-01", value: 1e-300, note: 'ward "A"\\b é \n', numerator: null, denominator: null },
      { date: "2026-02-01", value: 123456789.12345679, note: null, numerator: null, denominator: null },
    ]);
  });

  it("is rebuilt in the column form when a partner's database is upgraded from the object form", async () => {
    // A database migrated up to *_measure_series only (the object form), holding points...
    const all = readdirSync(KIND_PRISMA.projects.migrations)
      .filter((n) => /^\d/.test(n))
      .sort();
    const upTo = all.indexOf("20261127220000_measure_series");
    expect(upTo).toBeGreaterThan(0);
    const older = mkdtempSync(join(tmpdir(), "series-migrations-"));
    for (const name of all.slice(0, upTo + 1))
      cpSync(join(KIND_PRISMA.projects.migrations, name), join(older, name), { recursive: true });
    const old = await openEmbedded();
    const runner = {
      exec: async (s: string) => void (await old.exec(s)),
      query: async (s: string, p?: unknown[]) => (await old.query(s, p)).rows as never,
    };
    try {
      await applyMigrations(runner, older);
      await old.exec(`INSERT INTO "Project" (local, title, aim, status, "updatedAt") VALUES ('p', 'P', 'Aim', 'ACTIVE', now());
        INSERT INTO "Measure" (id, "projectLocal", name, unit, improvement) VALUES ('m1', 'p', 'Falls', 'count', 'DECREASE');
        INSERT INTO "DataPoint" ("measureId", date, value, note) VALUES ('m1', '2026-02-01', 2, 'second'), ('m1', '2026-01-01', 0.1, null)`);
      expect(
        JSON.parse((await old.query<{ points: string }>(`SELECT points FROM "MeasureSeries"`)).rows[0]!.points),
      ).toEqual([
        { date: "2026-01-01", value: 0.1, note: null },
        { date: "2026-02-01", value: 2, note: "second" },
      ]);
      // ...then upgraded with every migration: the stored series reads back as the same points.
      await applyMigrations(runner, KIND_PRISMA.projects.migrations);
      const rows = (
        await old.query<{ measureId: string; points: string }>(`SELECT "measureId", points FROM "MeasureSeries"`)
      ).rows;
      expect(rows.map((r) => [r.measureId, decodeSeries(r.points)])).toEqual([
        [
          "m1",
          [
            { date: "2026-01-01", value: 0.1, note: null, numerator: null, denominator: null },
            { date: "2026-02-01", value: 2, note: "second", numerator: null, denominator: null },
          ],
        ],
      ]);
    } finally {
      await old.close();
      rmSync(older, { recursive: true, force: true });
    }
  }, 60_000);
});

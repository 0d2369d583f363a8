// Migration 20261201200000_identity_triple on rows written before it, when users were remembered by
// their token subject alone: such rows keep what they said but match nobody (no issuer is known),
// joined network members keep the organisation they joined for, and the audit log is not rewritten.
import { afterAll, describe, expect, it } from "vitest";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { openEmbedded } from "../../lib/db/embedded.ts";
import { applyMigrations, type SqlRunner } from "../../lib/db/migrate.ts";
import { KIND_PRISMA } from "../../subgraphs/shared/prisma-paths.ts";

const MIGRATION = "20261201200000_identity_triple";
const opened: PGlite[] = [];
const temps: string[] = [];
afterAll(async () => {
  for (const db of opened) await db.close().catch(() => undefined);
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** A database migrated up to just before the identity migration, and a way to apply the rest. */
async function before(kind: "networks" | "projects"): Promise<{ db: PGlite; upgrade: () => Promise<string[]> }> {
  const db = await openEmbedded();
  opened.push(db);
  const runner: SqlRunner = {
    exec: async (s) => void (await db.exec(s)),
    query: async (s, p) => (await db.query(s, p)).rows as never,
  };
  const dir = join(mkdtempSync(join(tmpdir(), "identity-migration-")), "migrations");
  temps.push(dir);
  cpSync(KIND_PRISMA[kind].migrations, dir, { recursive: true });
  rmSync(join(dir, MIGRATION), { recursive: true });
  await applyMigrations(runner, dir);
  return { db, upgrade: () => applyMigrations(runner, KIND_PRISMA[kind].migrations) };
}

describe(`migration ${MIGRATION}`, { timeout: 120_000 }, () => {
  it("networks: a joined member keeps their row and organisation but matches nobody; listed members are untouched", async () => {
    const { db, upgrade } = await before("networks");
    await db.exec(`INSERT INTO "Network" ("local", "title", "type", "updatedAt") VALUES ('n1', 'N', 'COMMUNITY_OF_PRACTICE', now());
      INSERT INTO "Member" ("id", "networkLocal", "name", "userId", "organisationId") VALUES ('m1', 'n1', 'Jo', 'jo', 'bridgewater'), ('m2', 'n1', 'Listed', NULL, 'essex-cc');
      INSERT INTO "AuditEntry" ("actor", "organisation", "mutation", "item", "changes") VALUES ('jo@bridgewater', 'bridgewater', 'joinNetwork', 'pic:network:n1', '{}');`);
    expect(await upgrade()).toEqual([MIGRATION]);
    const members = (
      await db.query(`SELECT "id", "userId", "userIssuer", "userOrganisation" FROM "Member" ORDER BY "id"`)
    ).rows;
    expect(members).toEqual([
      { id: "m1", userId: "jo", userIssuer: null, userOrganisation: "bridgewater" },
      { id: "m2", userId: null, userIssuer: null, userOrganisation: null },
    ]);
    // The same user joining again under the new rules gets a row of their own, beside the old one.
    await db.exec(
      `INSERT INTO "Member" ("id", "networkLocal", "name", "userId", "userIssuer", "userOrganisation") VALUES ('m3', 'n1', 'Jo', 'jo', 'idp', 'bridgewater')`,
    );
    await expect(
      db.exec(
        `INSERT INTO "Member" ("id", "networkLocal", "name", "userId", "userIssuer", "userOrganisation") VALUES ('m4', 'n1', 'Jo', 'jo', 'idp', 'bridgewater')`,
      ),
    ).rejects.toThrow(/unique/i);
    expect((await db.query(`SELECT "actor", "issuer", "subject" FROM "AuditEntry"`)).rows).toEqual([
      { actor: "jo@bridgewater", issuer: null, subject: null },
    ]);
  });

  it("projects: a team member with a user id keeps it but no longer admits anyone until re-added", async () => {
    const { db, upgrade } = await before("projects");
    await db.exec(`INSERT INTO "Project" ("local", "title", "aim", "status", "updatedAt") VALUES ('p1', 'P', 'An aim', 'PLANNING', now());
      INSERT INTO "TeamMember" ("id", "projectLocal", "name", "userId") VALUES ('t1', 'p1', 'Tam', 'tam');`);
    expect(await upgrade()).toEqual([MIGRATION]);
    expect((await db.query(`SELECT "userId", "userIssuer", "userOrganisation" FROM "TeamMember"`)).rows).toEqual([
      { userId: "tam", userIssuer: null, userOrganisation: null },
    ]);
    // What teamUsers (subgraphs/projects/data/project-writes.ts) reads: nobody.
    expect(
      (
        await db.query(
          `SELECT 1 FROM "TeamMember" WHERE "projectLocal" = 'p1' AND "userId" IS NOT NULL AND "userIssuer" IS NOT NULL AND "userOrganisation" IS NOT NULL`,
        )
      ).rows,
    ).toEqual([]);
  });
});

// The committed migrations on a real PostgreSQL server: applied once, recorded the way
// `prisma migrate deploy` records them, and not applied again on the next start.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { randomUUID } from "node:crypto";
import { ALL_KINDS } from "../../schema/kinds.ts";
import { KIND_PRISMA } from "../../subgraphs/shared/prisma-paths.ts";
import { openDatabase } from "../../lib/db/open.ts";
import { readMigrations } from "../../lib/db/migrate.ts";
import { resourcesService } from "../../subgraphs/resources/server.ts";

const serverUrl = process.env.TEST_DATABASE_URL!;
const name = `t_migrations_${randomUUID().slice(0, 8)}`;
const url = Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();

async function admin(sql: string) {
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    return await c.query(sql);
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  await admin(`CREATE DATABASE "${name}"`);
});
afterAll(async () => {
  await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
});

describe.each(ALL_KINDS)("%s migrations on PostgreSQL", (kind) => {
  it("apply once, are recorded with their checksum, and are not applied again", async () => {
    // Each kind starts from an empty schema in the same scratch database.
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;`);
    await c.end();
    const make = resourcesService.makeClient;
    const first = await openDatabase({ kind: "postgres", url }, KIND_PRISMA[kind].migrations, make);
    const rows = await first.sql.query<{ migration_name: string; checksum: string; finished_at: Date }>(
      `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    const committed = readMigrations(KIND_PRISMA[kind].migrations);
    expect(rows.map((r) => [r.migration_name, r.checksum])).toEqual(committed.map((m) => [m.name, m.checksum]));
    expect(rows.every((r) => r.finished_at instanceof Date)).toBe(true);
    await first.close();
    const second = await openDatabase({ kind: "postgres", url }, KIND_PRISMA[kind].migrations, make);
    const again = await second.sql.query(`SELECT count(*)::int AS n FROM "_prisma_migrations"`);
    expect(again).toEqual([{ n: committed.length }]);
    await second.close();
  });
});

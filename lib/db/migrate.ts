// Applies a kind's committed migrations (prisma/migrations/<stamp>_<name>/migration.sql, Prisma's
// own folder format) and records them in `_prisma_migrations` exactly as `prisma migrate deploy`
// does (same table, sha256 checksum of the file), so that a user with network access can switch to
// Prisma's CLI on the same database at any time. Each migration runs in its own transaction.
import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The two things the migrator needs from a connection: run a script, run a parameterised query. */
export interface SqlRunner {
  exec(sql: string): Promise<void>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(dir: string): Migration[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
);`;

/** Applies every migration not yet recorded; returns the names it applied. */
export async function applyMigrations(db: SqlRunner, dir: string): Promise<string[]> {
  await db.exec(MIGRATIONS_TABLE);
  const rows = await db.query<{ migration_name: string; checksum: string }>(
    `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
  );
  const applied = new Map(rows.map((r) => [r.migration_name, r.checksum]));
  const done: string[] = [];
  for (const m of readMigrations(dir)) {
    const previous = applied.get(m.name);
    if (previous !== undefined) {
      if (previous !== m.checksum) {
        throw new Error(
          `migration ${m.name} was modified after it was applied (checksum differs); add a new migration instead`,
        );
      }
      continue;
    }
    await db.exec(`BEGIN;\n${m.sql}\n;COMMIT;`).catch(async (e) => {
      await db.exec("ROLLBACK").catch(() => undefined);
      throw new Error(`migration ${m.name} failed: ${(e as Error).message}`);
    });
    await db.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES ($1, $2, now(), $3, now(), 1)`,
      [randomUUID(), m.checksum, m.name],
    );
    done.push(m.name);
  }
  return done;
}

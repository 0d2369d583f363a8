// Opens one partner's database and returns a Prisma client over it: embedded PGlite by default,
// a PostgreSQL server when a URL is given. Migrations are applied before the client is returned.
// Every statement Prisma sends is counted (`statements`), which is how the tests prove that a
// page of N items costs a constant number of queries.
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";
import type { PGlite } from "@electric-sql/pglite";
import { openEmbedded } from "./embedded.ts";
import { applyMigrations, type SqlRunner } from "./migrate.ts";

export interface StatementCounter {
  count: number;
}

/** `fsync` (default true) flushes each commit of a folder store to disk: see lib/db/embedded.ts. */
export type Store = { kind: "embedded"; dataDir?: string; fsync?: boolean } | { kind: "postgres"; url: string };

export interface OpenedDatabase<C> {
  prisma: C;
  statements: StatementCounter;
  /** A runner on the same database, for raw SQL the Prisma client cannot express (search). */
  sql: SqlRunner;
  store: Store["kind"];
  /** The database's own `SHOW fsync` at open ("on" or "off"): reported on /health, so an operator sees it. */
  fsync: string;
  close(): Promise<void>;
}

// Proxies the driver adapter so that every query and execute is counted. Transactions get the
// same wrapper, so statements inside them count too.
function counted<T extends object>(target: T, counter: StatementCounter): T {
  return new Proxy(target, {
    get(t, prop, receiver) {
      const value = Reflect.get(t, prop, receiver);
      if (typeof value !== "function") return value;
      if (prop === "queryRaw" || prop === "executeRaw" || prop === "executeScript") {
        return (...args: unknown[]) => {
          counter.count++;
          return value.apply(t, args);
        };
      }
      if (prop === "connect" || prop === "startTransaction" || prop === "transactionContext") {
        return async (...args: unknown[]) => counted(await value.apply(t, args), counter);
      }
      return value.bind(t);
    },
  });
}

function countedRunner(runner: SqlRunner, counter: StatementCounter): SqlRunner {
  return {
    exec: (sql) => (counter.count++, runner.exec(sql)),
    query: (sql, params) => (counter.count++, runner.query(sql, params)),
  };
}

function pgliteRunner(db: PGlite): SqlRunner {
  return {
    exec: async (sql) => void (await db.exec(sql)),
    query: async <T>(sql: string, params?: unknown[]) => (await db.query<T>(sql, params)).rows,
  };
}

function poolRunner(pool: pg.Pool): SqlRunner {
  return {
    exec: async (sql) => void (await pool.query(sql)),
    query: async (sql, params) => (await pool.query(sql, params as unknown[])).rows,
  };
}

export async function openDatabase<C extends { $disconnect(): Promise<void> }>(
  store: Store,
  migrationsDir: string,
  makeClient: (options: { adapter: SqlDriverAdapterFactory }) => C,
): Promise<OpenedDatabase<C>> {
  const statements: StatementCounter = { count: 0 };
  if (store.kind === "embedded") {
    const db = await openEmbedded(store.dataDir, { fsync: store.fsync });
    const sql = pgliteRunner(db);
    await applyMigrations(sql, migrationsDir);
    const [fsync] = await sql.query<{ fsync: string }>(`SHOW fsync`);
    // pglite-prisma-adapter declares its factory with its own copy of @prisma/driver-adapter-utils
    // (7.2), the client takes 7.10's: the same interface at runtime, two types to the compiler.
    const prisma = makeClient({
      adapter: counted(new PrismaPGlite(db), statements) as unknown as SqlDriverAdapterFactory,
    });
    return {
      prisma,
      statements,
      sql: countedRunner(sql, statements),
      store: "embedded",
      fsync: fsync!.fsync,
      close: async () => {
        await prisma.$disconnect();
        await db.close();
      },
    };
  }
  // One pool for Prisma, migrations and raw SQL, so that closing the database closes every
  // connection. A server-side disconnect of an idle client (restart, DROP DATABASE) is logged by
  // the next query's error, not raised as an uncaught 'error' event that would kill the process.
  const pool = new pg.Pool({ connectionString: store.url, max: 10 });
  pool.on("error", () => undefined);
  const sql = poolRunner(pool);
  await applyMigrations(sql, migrationsDir);
  const [fsync] = await sql.query<{ fsync: string }>(`SHOW fsync`);
  const prisma = makeClient({ adapter: counted(new PrismaPg(pool), statements) });
  return {
    prisma,
    statements,
    sql: countedRunner(sql, statements),
    store: "postgres",
    fsync: fsync!.fsync,
    close: async () => {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

// Prisma's schema engine, compiled to WASM (@prisma/schema-engine-wasm), driven from Node without
// the native binary Prisma's CLI would download. Used by `npm run migrations:create` and by the
// drift test; never at service start-up. What was verified (prisma 7.10.1, schema-engine-wasm
// 8.1.0-2): the bundler-style wasm-bindgen build is instantiated by hand with its own imports, and
// its adapter factory must be wrapped with bindMigrationAwareSqlAdapterFactory.
import { readFile } from "node:fs/promises";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { PGlite } from "@electric-sql/pglite";

const FILTERS = { externalTables: [], externalEnums: [] };

type Engine = {
  diff(params: unknown): Promise<{ exitCode: number; stdout: string }>;
  schemaPush(params: unknown): Promise<{ executedSteps: number; unexecutable: string[]; warnings: string[] }>;
};

/** What this module uses of the glue's SchemaEngine class: its async factory. */
interface SchemaEngineClass {
  new: (options: { datamodels: [string, string][] }, log: () => void, adapter: unknown) => Promise<Engine>;
}

let bindings: Promise<{ SchemaEngine: SchemaEngineClass }> | undefined;

async function loadBindings() {
  bindings ??= (async () => {
    // The package is a bundler-style wasm-bindgen build: instantiate the .wasm with the JS glue's
    // exports as imports, hand the instance back to the glue, then start it.
    const gluePath = import.meta.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const glue = await import(gluePath);
    const module = await WebAssembly.compile(
      new Uint8Array(await readFile(new URL("./schema_engine_bg.wasm", gluePath))),
    );
    const instance = await WebAssembly.instantiate(module, { "./schema_engine_bg.js": glue });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports as unknown as { __wbindgen_start(): void }).__wbindgen_start();
    return glue;
  })();
  return bindings;
}

async function engineFor(schema: string, db: PGlite): Promise<Engine> {
  const { SchemaEngine } = await loadBindings();
  // The factory must be wrapped, or the engine fails with "Cannot read properties of null (reading '#config')".
  // pglite-prisma-adapter's factory is typed by its own @prisma/driver-adapter-utils (7.2), this
  // function by 7.10's: one interface at runtime, two types to the compiler.
  const factory = bindMigrationAwareSqlAdapterFactory(new PrismaPGlite(db) as never);
  return SchemaEngine.new({ datamodels: [["schema.prisma", schema]] }, () => undefined, factory);
}

/** The SQL that creates `schema` from an empty database. */
export async function sqlForSchema(schemaPath: string, scratch: PGlite): Promise<string> {
  const schema = await readFile(schemaPath, "utf8");
  const engine = await engineFor(schema, scratch);
  const result = await engine.diff({
    from: { tag: "empty" },
    to: { tag: "schemaDatamodel", files: [{ path: "schema.prisma", content: schema }] },
    script: true,
    shadowDatabaseUrl: null,
    exitCode: null,
    filters: FILTERS,
  });
  return result.stdout;
}

/**
 * How many steps it would take to bring `db` (already migrated) to `schema`: zero when the
 * committed migrations and the Prisma schema agree. Alters `db`: use a scratch database.
 */
export async function driftSteps(
  schemaPath: string,
  db: PGlite,
): Promise<{ executedSteps: number; unexecutable: string[] }> {
  const schema = await readFile(schemaPath, "utf8");
  const engine = await engineFor(schema, db);
  const result = await engine.schemaPush({
    schema: { files: [{ path: "schema.prisma", content: schema }] },
    force: true,
    filters: FILTERS,
  });
  return { executedSteps: result.executedSteps, unexecutable: result.unexecutable };
}

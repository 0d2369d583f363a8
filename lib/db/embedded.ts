// The embedded store: PostgreSQL compiled to WASM (PGlite), in-process, data in a folder (or in
// memory for tests). Creating a cluster from scratch runs initdb (~4 s); loading a dump of a fresh
// cluster takes well under a second, so the first start makes a template once and every partner
// database after it is a copy of that template.
import { PGlite } from "@electric-sql/pglite";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { tmpdir } from "node:os";
import pkg from "../../package.json" with { type: "json" };

// The template is only valid for the PGlite version that wrote it: key the cache by it.
const pgliteVersion = pkg.dependencies["@electric-sql/pglite"];

function templateFile(): string {
  return join(tmpdir(), `dpic-pglite-template-${pgliteVersion}.tar`);
}

let templatePromise: Promise<Blob> | undefined;

/**
 * A dump of an empty, freshly initialised cluster, cached on disk across processes and runs. The
 * demo launcher calls it once before starting the partners, so they do not all run initdb at once.
 */
export async function template(): Promise<Blob> {
  templatePromise ??= (async () => {
    const file = templateFile();
    if (existsSync(file)) return new Blob([new Uint8Array(await readFile(file))]);
    const fresh = new PGlite();
    await fresh.waitReady;
    const dump = await fresh.dumpDataDir("none");
    await fresh.close();
    // Write then rename, so that a process starting in parallel never reads half a file.
    const partial = `${file}.${process.pid}.partial`;
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    await rename(partial, file);
    return dump;
  })();
  return templatePromise;
}

/**
 * Opens an embedded database: in memory when `dataDir` is undefined, else persisted in `dataDir`
 * (created from the template the first time).
 */
export async function openEmbedded(dataDir?: string): Promise<PGlite> {
  if (dataDir && existsSync(join(dataDir, "PG_VERSION"))) {
    const db = new PGlite(dataDir);
    await db.waitReady;
    return db;
  }
  if (dataDir) await mkdir(dirname(dataDir), { recursive: true });
  const db = new PGlite({ dataDir, loadDataDir: await template() });
  await db.waitReady;
  return db;
}

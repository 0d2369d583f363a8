// The embedded store: PostgreSQL compiled to WASM (PGlite), in-process, data in a folder (or in
// memory for tests). Creating a cluster from scratch runs initdb (~4 s), so the first start makes
// a template cluster once and every partner database after it is a copy of that template: for a
// folder, a file copy of the template's folder (0.4 s, then opened as an existing cluster, 1 s);
// in memory, a load of its dump (1.6 s). Loading the dump into a folder instead took 2.2 s per
// partner, and nine partners start at once on two cores (`npm start`).
import { PGlite } from "@electric-sql/pglite";
import { cpSync, existsSync, readdirSync, rmdirSync, rmSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { tmpdir } from "node:os";
import pkg from "../../package.json" with { type: "json" };
import { DurableNodeFS, durableStartParams, fsyncDir, fsyncTree } from "./durable-fs.ts";

// The template is only valid for the PGlite version that wrote it: key the cache by it.
const pgliteVersion = pkg.dependencies["@electric-sql/pglite"];

function templateFile(): string {
  return join(tmpdir(), `dpic-pglite-template-${pgliteVersion}.tar`);
}

let templatePromise: Promise<Blob> | undefined;
let templateDirPromise: Promise<string> | undefined;

/**
 * The folder of an empty, freshly initialised cluster, cached across processes and runs. The demo
 * launcher calls it once before starting the partners, so they do not all run initdb at once.
 */
export async function templateDir(): Promise<string> {
  templateDirPromise ??= (async () => {
    const dir = join(tmpdir(), `dpic-pglite-template-${pgliteVersion}.d`);
    if (existsSync(join(dir, "PG_VERSION"))) return dir;
    // Made aside then renamed, so that a process starting in parallel never copies half a cluster;
    // if another process renamed its own first, theirs is as good as ours.
    const partial = `${dir}.${process.pid}.partial`;
    rmSync(partial, { recursive: true, force: true });
    const fresh = new PGlite({ dataDir: partial });
    await fresh.waitReady;
    await fresh.close();
    try {
      await rename(partial, dir);
    } catch (e) {
      if (!existsSync(join(dir, "PG_VERSION"))) throw e;
      rmSync(partial, { recursive: true, force: true });
    }
    return dir;
  })();
  return templateDirPromise;
}

/** A dump of an empty, freshly initialised cluster, cached on disk across processes and runs. */
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

export interface EmbeddedOptions {
  /**
   * Flush every commit to disk (lib/db/durable-fs.ts), so that an OS crash or power loss loses no
   * committed write. Only for a folder (memory has nothing to flush). Default true; config
   * EMBEDDED_FSYNC=off turns it off for tests and benchmarks.
   */
  fsync?: boolean;
}

async function openFolder(dataDir: string, fsync: boolean): Promise<PGlite> {
  const db = fsync
    ? new PGlite({ dataDir, fs: new DurableNodeFS(dataDir), startParams: durableStartParams() })
    : new PGlite(dataDir);
  await db.waitReady;
  return db;
}

/**
 * Opens an embedded database: in memory when `dataDir` is undefined, else persisted in `dataDir`
 * (created from the template the first time).
 */
export async function openEmbedded(dataDir?: string, options: EmbeddedOptions = {}): Promise<PGlite> {
  const fsync = options.fsync ?? true;
  if (dataDir && existsSync(join(dataDir, "PG_VERSION"))) return openFolder(dataDir, fsync);
  if (dataDir) {
    await mkdir(dirname(dataDir), { recursive: true });
    // Copied aside then renamed: a process killed mid-copy leaves no half cluster at dataDir.
    const partial = `${dataDir}.${process.pid}.partial`;
    rmSync(partial, { recursive: true, force: true });
    cpSync(await templateDir(), partial, { recursive: true });
    // The copy must be on disk before the rename makes it the database: else a power loss could
    // leave a named but torn cluster.
    if (fsync) fsyncTree(partial);
    if (existsSync(dataDir)) {
      // Never delete what we did not make: an empty folder is fine, anything else is a mistake.
      if (readdirSync(dataDir).length > 0) {
        rmSync(partial, { recursive: true, force: true });
        throw new Error(`${dataDir} exists and is not a database folder; move it away or choose another DATA_DIR`);
      }
      rmdirSync(dataDir);
    }
    await rename(partial, dataDir);
    if (fsync) fsyncDir(dirname(dataDir)); // the rename itself
    return openFolder(dataDir, fsync);
  }
  const db = new PGlite({ loadDataDir: await template() });
  await db.waitReady;
  return db;
}

// Durability for the embedded store. PGlite starts PostgreSQL with `-F` (fsync off), and even with
// fsync on its WASM file system drops every flush: emscripten's NODEFS has no `fsync` stream
// operation (so fsync() is a silent no-op) and its fdatasync() returns 0 without doing anything.
// A commit was therefore only in the OS page cache: safe from a process crash, lost or torn by an
// OS crash or power loss. This file system gives NODEFS a real fsync (fs.fsyncSync on the host
// file, or on the folder for a directory), and `durableStartParams` turns PostgreSQL's fsync on
// with wal_sync_method=fsync, the one sync method that reaches that operation. Measured on this
// project's shared machine (ext4, scripts/bench/fsync.ts): one fsync per commit, +0.7 to +3.4 ms
// per small transaction; restarts cost the same (README "Storage and migrations").
import { PGlite } from "@electric-sql/pglite";
import { NodeFS } from "@electric-sql/pglite/nodefs";
import fs from "node:fs";
import { join } from "node:path";

interface EmscriptenStream {
  nfd?: number;
  node: { mode: number };
}
/** EIO in emscripten's errno numbering. */
const EMSCRIPTEN_EIO = 29;

interface EmscriptenModule {
  FS: {
    ErrnoError: new (errno: number) => Error;
    isDir(mode: number): boolean;
    filesystems: { NODEFS: { realPath(node: unknown): string; stream_ops: Record<string, unknown> } };
  };
}

/** fsync of a host folder: makes a rename or a new file inside it durable. */
export function fsyncDir(path: string): void {
  const fd = fs.openSync(path, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export class DurableNodeFS extends NodeFS {
  override async init(...args: Parameters<NodeFS["init"]>): ReturnType<NodeFS["init"]> {
    const result = await super.init(...args);
    const preRun = result.emscriptenOpts.preRun ?? [];
    result.emscriptenOpts.preRun = [
      ...(Array.isArray(preRun) ? preRun : [preRun]),
      (mod: EmscriptenModule) => {
        const nodefs = mod.FS.filesystems.NODEFS;
        // Every NODEFS node shares this one stream_ops object, so this reaches every file opened later.
        nodefs.stream_ops.fsync = (stream: EmscriptenStream) => {
          try {
            if (stream.nfd !== undefined) fs.fsyncSync(stream.nfd);
            else if (mod.FS.isDir(stream.node.mode)) fsyncDir(nodefs.realPath(stream.node));
          } catch {
            // A failed flush must reach PostgreSQL as a failed fsync (EIO), which it treats as fatal
            // rather than carrying on with data that may not be on disk; a raw Node error would
            // abort the WASM runtime instead.
            throw new mod.FS.ErrnoError(EMSCRIPTEN_EIO);
          }
        };
      },
    ];
    return result;
  }
}

/** PGlite's default start parameters with fsync on and the one WAL sync method that reaches the disk. */
export function durableStartParams(): string[] {
  return [
    ...(PGlite.defaultStartParams as string[]).filter((p) => p !== "-F"),
    "-c",
    "fsync=on",
    "-c",
    "wal_sync_method=fsync",
  ];
}

/**
 * Flushes a folder tree to disk (files, then each folder): a database folder copied from the
 * template with cpSync is only in the page cache until then, and PostgreSQL never re-syncs files it
 * did not write itself after a clean start.
 */
export function fsyncTree(root: string): void {
  for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
    const path = join(root, entry.name);
    if (entry.isDirectory()) fsyncTree(path);
    else if (entry.isFile()) {
      const fd = fs.openSync(path, "r");
      try {
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    }
  }
  fsyncDir(root);
}

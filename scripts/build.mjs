// npm run build: compiles the TypeScript of every service and the scripts production runs into
// dist/ as plain ESM JavaScript, one project per layer (tsconfig.build.json references schema, lib,
// gateway, subgraphs and scripts; `tsc --build` compiles them in that order, and a file importing a
// layer its project does not reference fails with TS6307). `.ts` import specifiers are rewritten to
// `.js`, JSON imports keep their `with { type: "json" }`. Then it copies beside it every other file
// the services read at run time relative to their own code (contracts and the supergraph, Prisma
// schemas and migration SQL, seed JSON), so dist/ mirrors the source tree and each
// `new URL(..., import.meta.url)` resolves the same way from both. The partner registry is not
// copied: it is edited in place and read from the project root (lib/project-root.ts).
// Plain JS so that it needs nothing but Node and the installed TypeScript.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = join(root, "dist");
const FOLDERS = ["schema", "lib", "gateway", "subgraphs"];
// Read from the project root, never from a copy (see above).
const NOT_COPIED = new Set(["schema/partners.json"]);
/** The marker of a finished build, in dist/: written last, so its time is the build's. */
const BUILD_COMPLETE = join(out, ".build-complete");

// `--if-stale` (the tests that run the compiled services): build only when a file the build reads is
// newer than the last finished build, so a test run builds once, and CI, which has just built, not
// at all.
if (process.argv.includes("--if-stale") && existsSync(BUILD_COMPLETE)) {
  const builtAt = statSync(BUILD_COMPLETE).mtimeMs;
  const inputs = [...FOLDERS, "scripts"].flatMap((folder) =>
    readdirSync(join(root, folder), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && !e.parentPath.includes("node_modules"))
      .map((e) => join(e.parentPath, e.name)),
  );
  const configs = readdirSync(root).filter((name) => /^tsconfig.*\.json$|^package(-lock)?\.json$/.test(name));
  const newest = Math.max(...[...inputs, ...configs.map((n) => join(root, n))].map((f) => statSync(f).mtimeMs));
  if (newest <= builtAt) {
    console.log("build: dist/ is up to date");
    process.exit(0);
  }
}

// A clean tree: a file removed from the sources must not keep running from an old build. The
// build-info and declarations of `tsc --build` (.tsbuild/) go too: with them, tsc would take an
// emptied dist/ for up to date and emit nothing.
rmSync(out, { recursive: true, force: true });
rmSync(join(root, ".tsbuild"), { recursive: true, force: true });
const tsc = spawnSync(
  process.execPath,
  [join(root, "node_modules/typescript/bin/tsc"), "--build", join(root, "tsconfig.build.json")],
  { cwd: root, stdio: "inherit" },
);
if (tsc.status !== 0) {
  console.error("build: tsc failed");
  process.exit(tsc.status ?? 1);
}

let copied = 0;
for (const folder of FOLDERS) {
  for (const entry of readdirSync(join(root, folder), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || /\.(ts|mts|cts)$/.test(entry.name)) continue;
    const file = relative(root, join(entry.parentPath, entry.name));
    if (NOT_COPIED.has(file)) continue;
    cpSync(join(root, file), join(out, file));
    copied++;
  }
}
// Written last: its presence means the build finished, and its time how fresh it is
// (tests/support/build.ts rebuilds when a source file is newer).
writeFileSync(BUILD_COMPLETE, `${new Date().toISOString()}\n`);
console.log(`build: compiled into dist/, copied ${copied} assets`);

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
import { cpSync, readdirSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = join(root, "dist");
const FOLDERS = ["schema", "lib", "gateway", "subgraphs"];
// Read from the project root, never from a copy (see above).
const NOT_COPIED = new Set(["schema/partners.json"]);

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
console.log(`build: compiled into dist/, copied ${copied} assets`);

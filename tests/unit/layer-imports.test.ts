// The layers point one way: schema, then lib, then gateway and subgraphs side by side (scripts and
// tests on top). The compiler enforces it for imports (one project per layer,
// tests/unit/layer-build.test.ts); this walks every source's own references, including the string
// paths the compiler never sees (`new URL("../x/", import.meta.url)`), and names each one that
// points the wrong way.
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { moduleReferences } from "../support/module-references.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const FOLDERS = ["schema", "lib", "gateway", "subgraphs", "scripts", "tests"] as const;
type Folder = (typeof FOLDERS)[number];

// What each layer may reach besides itself. Files outside every layer folder (package.json) and
// packages are not layers.
const MAY_REACH: Record<"schema" | "lib" | "gateway" | "subgraphs", Folder[]> = {
  schema: [],
  lib: ["schema"],
  gateway: ["schema", "lib"],
  subgraphs: ["schema", "lib"],
};
const LAYERS = Object.keys(MAY_REACH) as (keyof typeof MAY_REACH)[];

function sources(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|mts|cts)$/.test(e.name))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

/** The layer folder a relative reference from `file` lands in, if any. */
function folderReached(file: string, specifier: string): Folder | undefined {
  if (!specifier.startsWith("./") && !specifier.startsWith("../")) return undefined;
  const top = relative(ROOT, join(ROOT, dirname(file), specifier)).split(sep)[0];
  return FOLDERS.find((f) => f === top);
}

/** Every reference of `file` (given its text) that lands in a layer `layer` may not reach. */
function wrongWay(layer: keyof typeof MAY_REACH, file: string, text: string): string[] {
  return moduleReferences(file, text)
    .filter((r) => {
      const reached = folderReached(file, r.specifier);
      return reached !== undefined && reached !== layer && !MAY_REACH[layer].includes(reached);
    })
    .map((r) => `${file}:${r.line} ${r.how} "${r.specifier}"`);
}

describe("layer imports", () => {
  it.each(LAYERS)("nothing in %s/ refers to a layer above it or beside it", (layer) => {
    const files = sources(layer);
    expect(files.length).toBeGreaterThan(5);
    expect(files.flatMap((f) => wrongWay(layer, f, readFileSync(join(ROOT, f), "utf8")))).toEqual([]);
  });

  // The walk itself: each way a file can name another, pointing the wrong way, is caught.
  it("catches static, type-only and dynamic imports, re-exports, import.meta.resolve and new URL string paths", () => {
    const text = [
      `import { a } from "../gateway/server.ts";`,
      `import type { B } from "../subgraphs/shared/service.ts";`,
      `export { c } from "../gateway/index.ts";`,
      `import "../scripts/start.ts";`,
      `const d = await import("../gateway/single-fetch.ts");`,
      `type E = typeof import("../subgraphs/catalogue/server.ts");`,
      `const f = import.meta.resolve("../tests/support/system.ts");`,
      "const g = (kind: string) => new URL(`../subgraphs/${kind}/prisma/`, import.meta.url);",
      `const h = new URL(import.meta.url.endsWith(".js") ? "../../gateway/" : "../gateway/", import.meta.url);`,
      `import { ok } from "../schema/kinds.ts";`,
      `import { fine } from "./config.ts";`,
      `const p = new URL("../package.json", import.meta.url);`,
    ].join("\n");
    expect(wrongWay("lib", "lib/bad.ts", text)).toEqual([
      `lib/bad.ts:1 import "../gateway/server.ts"`,
      `lib/bad.ts:2 import "../subgraphs/shared/service.ts"`,
      `lib/bad.ts:3 import "../gateway/index.ts"`,
      `lib/bad.ts:4 import "../scripts/start.ts"`,
      `lib/bad.ts:5 dynamic import "../gateway/single-fetch.ts"`,
      `lib/bad.ts:6 dynamic import "../subgraphs/catalogue/server.ts"`,
      `lib/bad.ts:7 import.meta.resolve "../tests/support/system.ts"`,
      `lib/bad.ts:8 new URL "../subgraphs/"`,
      `lib/bad.ts:9 new URL "../gateway/"`,
    ]);
  });

  it("lets a subgraph reach lib and schema but not the gateway, and schema reach nothing", () => {
    const text = `import { x } from "../../lib/config.ts";\nimport { k } from "../../schema/kinds.ts";\nimport { e } from "../../gateway/edge/index.ts";`;
    expect(wrongWay("subgraphs", "subgraphs/shared/x.ts", text)).toEqual([
      `subgraphs/shared/x.ts:3 import "../../gateway/edge/index.ts"`,
    ]);
    expect(wrongWay("schema", "schema/x.ts", `import { c } from "../lib/config.ts";`)).toEqual([
      `schema/x.ts:1 import "../lib/config.ts"`,
    ]);
  });
});

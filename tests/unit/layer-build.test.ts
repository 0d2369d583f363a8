// An import against the layers fails the build. The project's own TypeScript configuration (every
// tsconfig of the solution, copied verbatim) is built over a few one-line modules in a temporary
// folder laid out like the project: first with imports that follow the layers, which must build,
// then with one import per wrong direction added, each of which must fail with TS6307 (a file
// outside its project's `include` and in no project it references).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TSC = join(ROOT, "node_modules/typescript/bin/tsc");

/** The solution's projects, from tsconfig.json's references. */
const projects = (
  JSON.parse(readFileSync(join(ROOT, "tsconfig.json"), "utf8")) as { references: { path: string }[] }
).references.map((r) => r.path);

// Which layers a module of each project may import (the layers below it).
const BELOW: Record<string, string[]> = {
  schema: [],
  lib: ["schema"],
  gateway: ["schema", "lib"],
  subgraphs: ["schema", "lib"],
  scripts: ["schema", "lib", "gateway", "subgraphs"],
  "scripts/bench": ["schema", "lib", "gateway", "subgraphs", "scripts"],
  tests: ["schema", "lib", "gateway", "subgraphs", "scripts", "scripts/bench"],
};

// Each wrong direction: a module of `from` importing the module of `to`, and how.
const WRONG = [
  { from: "schema", to: "lib", how: "import" },
  { from: "lib", to: "gateway", how: "import" },
  { from: "lib", to: "subgraphs", how: "import type" },
  { from: "lib", to: "scripts", how: "dynamic import" },
  { from: "subgraphs", to: "gateway", how: "import" },
  { from: "gateway", to: "subgraphs", how: "dynamic import" },
  { from: "gateway", to: "tests", how: "import" },
] as const;

let dir: string;
const name = (project: string) => project.replace("/", "_");
// Each project has `layer.ts`, importing the `layer.ts` of every layer below it, and `leaf.ts`,
// importing nothing: the wrong imports name a leaf, so each brings exactly one file of another layer.
const rel = (from: string, to: string, file = "layer.ts") => `${"../".repeat(from.split("/").length)}${to}/${file}`;

function build(): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [TSC, "--build", join(dir, "tsconfig.json"), "--pretty", "false"], {
    cwd: dir,
    encoding: "utf8",
  });
  return { status: r.status, output: r.stdout + r.stderr };
}

let good: ReturnType<typeof build>;
let bad: ReturnType<typeof build>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "layer-build-"));
  for (const file of ["tsconfig.json", "tsconfig.base.json", ...projects.map((p) => `${p}/tsconfig.json`)]) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    cpSync(join(ROOT, file), join(dir, file));
  }
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  for (const project of projects) {
    const below = BELOW[project];
    if (!below) throw new Error(`no layer rule for the project ${project}: add it to BELOW`);
    const imports = below.map((b) => `import { ${name(b)} } from "${rel(project, b)}";`);
    const uses = below.map((b) => `${name(b)}`);
    writeFileSync(
      join(dir, project, "layer.ts"),
      `${imports.join("\n")}\nexport const ${name(project)}: number = [${uses.join(", ")}].length;\n`,
    );
    writeFileSync(join(dir, project, "leaf.ts"), `export const ${name(project)} = 1;\n`);
  }
  good = build();
  for (const w of WRONG) {
    const spec = rel(w.from, w.to, "leaf.ts");
    const line =
      w.how === "import"
        ? `import { ${name(w.to)} } from "${spec}";\nexport const wrong = ${name(w.to)};`
        : w.how === "import type"
          ? `import type { ${name(w.to)} } from "${spec}";\nexport type Wrong = typeof ${name(w.to)};`
          : `export const wrong = () => import("${spec}");`;
    writeFileSync(join(dir, w.from, `wrong-${name(w.to)}.ts`), `${line}\n`);
  }
  bad = build();
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the build follows the layers", () => {
  it("builds every project when each imports only the layers below it", () => {
    expect(projects).toEqual(expect.arrayContaining(Object.keys(BELOW)));
    expect(good.output).toBe("");
    expect(good.status).toBe(0);
  });

  it.each(WRONG.map((w) => [w.from, w.to, w.how]))("fails when %s/ imports %s/ (%s): TS6307", (from, to) => {
    expect(bad.status).not.toBe(0);
    const leaf = join(dir, to, "leaf.ts");
    expect(bad.output).toMatch(
      new RegExp(`^${from}/wrong-${name(to)}\\.ts\\(1,\\d+\\): error TS6307: File '${leaf}' is not listed`, "m"),
    );
    expect(bad.output).toContain(
      `File '${leaf}' is not listed within the file list of project '${join(dir, from, "tsconfig.json")}'`,
    );
  });
});

// `npm run harvest` against a running catalogue: progress per page (items per second, pages left),
// a line per partner, and a failing exit status when a partner cannot be harvested.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startSystem, type TestSystem } from "../support/system.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
let sys: TestSystem;

function runHarvest(): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/harvest.ts"], {
      cwd: root,
      env: { ...process.env, REGISTRY_FILE: sys.registryFile!, LOG_LEVEL: "silent" },
    });
    let out = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (out += c));
    child.on("exit", (code) => resolve({ code, out }));
  });
}

beforeAll(async () => {
  sys = await startSystem({ only: (p) => ["improvement-hub", "leadership-academy", "essex-cc", "national-catalogue"].includes(p.id), liveRegistry: { pollMs: 100 } });
  // Harvest everything again from the start, in small pages, so there is progress to show.
  sys.harvester.pageSize = 4;
  await sys.partners.get("national-catalogue")!.db.sql.exec(`DELETE FROM "HarvestState"`);
});
afterAll(async () => {
  await sys?.close();
});

describe("npm run harvest", () => {
  it("shows progress per page and a line per partner, and exits 0", async () => {
    const { code, out } = await runHarvest();
    expect(out).toMatch(/improvement-hub\s+page\s+1\s+\+4 -0\s+\d+ items\/s\s+[1-9]\d* pages left/);
    for (const id of ["improvement-hub", "leadership-academy", "essex-cc"]) expect(out).toMatch(new RegExp(`${id}\\s+done\\s+\\d+ items in \\d+ pages`));
    expect(out).toMatch(/harvested 3 partners/);
    expect(code).toBe(0);
  });

  it("names a partner it could not harvest and exits 1", async () => {
    await sys.stopPartner("essex-cc");
    const { code, out } = await runHarvest();
    expect(out).toMatch(/essex-cc\s+FAILED: unreachable/);
    expect(out).toMatch(/failed: essex-cc/);
    expect(code).toBe(1);
  });
});

// `npm run harvest` against a running catalogue: progress per page (items per second, pages left),
// a line per partner, and a failing exit status when a partner cannot be harvested.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startSystem, type TestSystem } from "../support/system.ts";
import { HARVEST_NUDGE } from "../../lib/auth/internal-tokens.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
let sys: TestSystem;

function runHarvest(
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/harvest.ts", ...args], {
      cwd: root,
      // The script makes a development token of a national admin with this system's secret.
      env: {
        ...process.env,
        REGISTRY_FILE: sys.registryFile!,
        LOG_LEVEL: "silent",
        AUTH_JWT_SECRET: sys.keys.authSecret,
        ...env,
      },
    });
    let out = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (out += c));
    child.on("exit", (code) => resolve({ code, out }));
  });
}

beforeAll(async () => {
  sys = await startSystem({
    only: (p) => ["improvement-hub", "leadership-academy", "essex-cc", "national-catalogue"].includes(p.id),
    liveRegistry: { pollMs: 100 },
  });
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
    for (const id of ["improvement-hub", "leadership-academy", "essex-cc"])
      expect(out).toMatch(new RegExp(`${id}\\s+done\\s+\\d+ items in \\d+ pages`));
    expect(out).toMatch(/harvested 3 partners/);
    expect(code).toBe(0);
  });

  it("with a token that is not a national admin's, says the catalogue refused and exits 1", async () => {
    const editor = await sys.token({ user: "amira", organisation: "nhs-england", roles: ["editor"] });
    const { code, out } = await runHarvest(["--token", editor]);
    expect(out).toMatch(/the catalogue answered HTTP 403: Only admins of nhs-england/);
    expect(code).toBe(1);
  });

  it("in production it makes no token of its own: it asks for one", async () => {
    const { code, out } = await runHarvest([], { NODE_ENV: "production" });
    expect(out).toMatch(/pass --token/);
    expect(code).toBe(2);
  });

  it("names a partner it could not harvest and exits 1", async () => {
    await sys.stopPartner("essex-cc");
    const { code, out } = await runHarvest();
    expect(out).toMatch(/essex-cc\s+FAILED: unreachable/);
    expect(out).toMatch(/failed: essex-cc/);
    expect(code).toBe(1);
  });
});

describe("POST /admin/harvest", () => {
  const post = (headers: Record<string, string> = {}) =>
    fetch(new URL("/admin/harvest", sys.partners.get("national-catalogue")!.url), { method: "POST", headers }).then(
      async (r) => ({ status: r.status, text: await r.text() }),
    );
  const codeOf = (text: string) => (JSON.parse(text) as any).errors[0].extensions.code;

  it("refuses a caller without a token: 401 UNAUTHENTICATED, and harvests nothing", async () => {
    const before = sys.harvester.feedRequests.get("improvement-hub") ?? 0;
    const res = await post();
    expect(res.status).toBe(401);
    expect(codeOf(res.text)).toBe("UNAUTHENTICATED");
    expect(sys.harvester.feedRequests.get("improvement-hub") ?? 0).toBe(before);
  });

  it("refuses a bad token with 401, and anyone but an admin of the catalogue's organisation with 403 FORBIDDEN", async () => {
    const forged = await sys.token(
      { user: "a", organisation: "nhs-england", roles: ["admin"] },
      { secret: "x".repeat(43) },
    );
    expect(await post({ authorization: `Bearer ${forged}` })).toMatchObject({ status: 401 });
    for (const claims of [
      { user: "e", organisation: "nhs-england", roles: ["editor"] as const },
      { user: "a", organisation: "essex-cc", roles: ["admin"] as const },
    ]) {
      const res = await post({ authorization: `Bearer ${await sys.token({ ...claims, roles: [...claims.roles] })}` });
      expect(res.status).toBe(403);
      expect(codeOf(res.text)).toBe("FORBIDDEN");
    }
    // The gateway's signature on anything but its own "harvest now" is not enough either.
    const forward = await sys.signer.headers({ kind: "service", service: "schema-check" }, "national-catalogue");
    expect((await post(forward)).status).toBe(401);
  });

  it("harvests for a national admin, and for the gateway's own request after a write", async () => {
    const admin = await sys.token({ user: "a", organisation: "nhs-england", roles: ["admin"] });
    const res = await post({ authorization: `Bearer ${admin}` });
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/"type":"summary"/);
    const nudge = await post(await sys.signer.headers(HARVEST_NUDGE, "national-catalogue"));
    expect(nudge.status).toBe(200);
  });

  it("with ?partner= answers with that one partner's report, and 404 UNKNOWN_PARTNER for a partner it does not know", async () => {
    const headers = await sys.signer.headers(HARVEST_NUDGE, "national-catalogue");
    const one = (partner: string) =>
      fetch(
        new URL(`/admin/harvest?partner=${encodeURIComponent(partner)}`, sys.partners.get("national-catalogue")!.url),
        { method: "POST", headers },
      ).then(async (r) => ({ status: r.status, text: await r.text() }));
    const res = await one("improvement-hub");
    expect(res.status).toBe(200);
    const lines = res.text
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      expect.objectContaining({ type: "partner", partner: "improvement-hub", ok: true }),
      expect.objectContaining({ type: "summary", partners: 1, failed: [] }),
    ]);
    const unknown = await one("no-such-partner");
    expect(unknown.status).toBe(404);
    expect(codeOf(unknown.text)).toBe("UNKNOWN_PARTNER");
  });
});

// Production runs the build, not the sources (ISSUE-12 item 2): `npm run build` compiles every
// service into dist/, and the compiled gateway and a compiled partner, each in its own process
// started with `node <flags> dist/...` (lib/node-flags.ts, as the Dockerfile and docker-compose.yml
// run them: no tsx loaded), answer a query through the gateway, with the assets they read at run
// time (supergraph, contract, migrations, seed JSON, the Prisma WASM query compiler) found from dist/.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { ensureBuilt } from "../support/build.ts";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateDevKeys } from "../../lib/auth/keys.ts";
import { DEV_TOKEN_ISSUER } from "../../lib/auth/dev-tokens.ts";
import { DEFAULT_REGISTRY_FILE, loadRegistry } from "../../lib/registry/registry.ts";
import { registryFileFor, startProcess, type ServiceProcess } from "../support/processes.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const keys = generateDevKeys();
const cleanups: (() => void | Promise<unknown>)[] = [];

/** A port nothing listens on: the partners this test does not start refuse connections. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The command line a process runs, as the kernel sees it. */
function cmdline(p: ServiceProcess): string[] {
  return readFileSync(`/proc/${p.pid}/cmdline`, "utf8").split("\0").filter(Boolean);
}

let partner: ServiceProcess;
let gateway: ServiceProcess;

beforeAll(async () => {
  ensureBuilt();

  const dataDir = mkdtempSync(join(tmpdir(), "compiled-"));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  partner = await startProcess(
    "projects",
    "subgraphs/projects/index.ts",
    {
      NODE_ENV: "test",
      PARTNER_ID: "essex-cc",
      PORT: "0",
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      REGISTRY_FILE: DEFAULT_REGISTRY_FILE,
      GATEWAY_VERIFY_KEY: keys.verifyKey,
      CATALOGUE_VERIFY_KEY: keys.catalogueVerifyKey,
      EMBEDDED_FSYNC: "off",
      SEED: "true",
    },
    120_000,
    "compiled",
  );
  cleanups.push(() => partner.stop());

  const nowhere = `http://127.0.0.1:${await closedPort()}/graphql`;
  const base = loadRegistry(DEFAULT_REGISTRY_FILE, "http://127.0.0.1:{port}/graphql");
  const registry = registryFileFor(
    base.withUrls(Object.fromEntries(base.partners.map((p) => [p.id, p.id === "essex-cc" ? partner.url : nowhere]))),
  );
  cleanups.push(registry.remove);
  gateway = await startProcess(
    "gateway",
    "gateway/index.ts",
    {
      NODE_ENV: "production",
      AUTH_ISSUER: DEV_TOKEN_ISSUER,
      REGISTRY_FILE: registry.file,
      DATA_DIR: dataDir,
      GATEWAY_PORT: "0",
      AUTH_JWT_SECRET: keys.authSecret,
      GATEWAY_SIGNING_KEY: keys.signingKey,
      GATEWAY_VERIFY_KEY: keys.verifyKey,
      RATE_LIMIT_REQUESTS: "0",
    },
    120_000,
    "compiled",
  );
  cleanups.push(() => gateway.stop());
}, 300_000);

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe("the compiled services (node dist/...)", { timeout: 60_000 }, () => {
  it("run from dist/ with the deployed flags and without tsx", () => {
    expect(cmdline(gateway).slice(1)).toEqual(["--max-old-space-size=160", "dist/gateway/index.js"]);
    expect(cmdline(partner).slice(1)).toEqual(["--max-semi-space-size=64", "dist/subgraphs/projects/index.js"]);
    for (const p of [gateway, partner]) {
      expect(cmdline(p).join(" ")).not.toMatch(/tsx|\.ts\b/);
      // Nothing under the process maps tsx or esbuild in (a loader registered some other way would).
      expect(readFileSync(`/proc/${p.pid}/maps`, "utf8")).not.toMatch(/esbuild/);
    }
  });

  it("answer a read through the compiled gateway from the compiled partner's seeded database", async () => {
    const res = await fetch(gateway.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: `{ projectFromOwner(id: "essex-cc:project:care-home-hydration") { id title aim } }`,
      }),
    });
    const body = (await res.json()) as {
      data?: { projectFromOwner: { id: string; title: string; aim: string | null } };
      errors?: unknown;
    };
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data!.projectFromOwner.id).toBe("essex-cc:project:care-home-hydration");
    expect(body.data!.projectFromOwner.title.length).toBeGreaterThan(0);
  });

  it("refuse bad input with a GraphQL error from the compiled edge, not a stack trace", async () => {
    const res = await fetch(gateway.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ projectFromOwner(id: 1" }),
    });
    const body = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe("GRAPHQL_PARSE_FAILED");
    expect(JSON.stringify(body)).not.toMatch(/dist\/|\.js:\d+/);
  });

  it("read the registry and DATA_DIR from the project root, not from a copy under dist/", () => {
    expect(existsSync(join(ROOT, "dist", "schema", "partners.json"))).toBe(false);
    const script = `const { loadConfig } = await import(${JSON.stringify(join(ROOT, "dist/lib/config.js"))}); const c = loadConfig({}); console.log(JSON.stringify([c.REGISTRY_FILE, c.DATA_DIR]));`;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: tmpdir(), encoding: "utf8" });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([join(ROOT, "schema", "partners.json"), join(ROOT, ".data")]);
  });
});

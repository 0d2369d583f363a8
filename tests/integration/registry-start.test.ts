// A gateway restarted while the registry file is broken (here: the issue's `htp:/not a url`): it
// starts from the last good registry it kept in DATA_DIR, with one log line naming the fault; with
// no last good copy it refuses to start with one line. And `npm run partner` refuses the bad URL.
import { afterAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_REGISTRY_FILE } from "../../lib/registry/registry.ts";
import { lastGoodRegistryFile } from "../../lib/registry/source.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "registry-start-"));
const registryFile = join(dir, "partners.json");
copyFileSync(DEFAULT_REGISTRY_FILE, registryFile);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  out: string;
  err: string;
  health?: number;
}

/** Starts a service on a free port; once it listens, asks /health and stops it. */
function runService(entry: string, listening: string, dataDir: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", entry], {
      cwd: root,
      env: {
        ...process.env,
        REGISTRY_FILE: registryFile,
        DATA_DIR: dataDir,
        GATEWAY_PORT: "0",
        PORT: "0",
        LOG_LEVEL: "info",
        NODE_ENV: "development",
        ...env,
      },
    });
    const run: Run = { code: null, out: "", err: "" };
    child.stdout.on("data", async (c) => {
      run.out += c;
      const url = new RegExp(`"url":"(http://[^"]+)"[^\\n]*"msg":"${listening}"`).exec(run.out)?.[1];
      if (url && run.health === undefined) {
        run.health = 0;
        run.health = (await fetch(new URL("/health", url))).status;
        child.kill("SIGTERM");
      }
    });
    child.stderr.on("data", (c) => (run.err += c));
    child.on("exit", (code) => resolve({ ...run, code }));
  });
}

const runGateway = (dataDir: string) => runService("gateway/index.ts", "gateway listening", dataDir);
const runCatalogue = (dataDir: string) =>
  runService("subgraphs/catalogue/index.ts", "listening", dataDir, {
    PARTNER_ID: "national-catalogue",
    HARVEST_AT_START: "false",
    EMBEDDED_FSYNC: "off",
  });

function runPartnerCli(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/partner.ts", ...args], {
      cwd: root,
      env: { ...process.env, REGISTRY_FILE: registryFile },
    });
    const run: Run = { code: null, out: "", err: "" };
    child.stdout.on("data", (c) => (run.out += c));
    child.stderr.on("data", (c) => (run.err += c));
    child.on("exit", (code) => resolve({ ...run, code }));
  });
}

const leeds = [
  "--id",
  "leeds-th",
  "--name",
  "Leeds QI",
  "--organisation",
  "nhs-england",
  "--kind",
  "projects",
  "--port",
  "4125",
  "--region",
  "north-east-and-yorkshire",
];

describe("a partner URL that is not http(s) with a host", { timeout: 90_000 }, () => {
  it("is refused by npm run partner with a clear message, leaving the registry untouched", async () => {
    const before = readFileSync(registryFile, "utf8");
    const run = await runPartnerCli(["add", ...leeds, "--url", "htp:/not a url"]);
    expect(run.code).toBe(1);
    expect(run.err.trim()).toBe("partner: url: must be an http:// or https:// URL with a host");
    expect(readFileSync(registryFile, "utf8")).toBe(before);
  });
});

describe("a gateway and a catalogue restarted while the registry file is broken", { timeout: 180_000 }, () => {
  const dataDir = join(dir, "data");
  let good = "";

  it("starts from the last good registry, logging one line that names the fault", async () => {
    for (const [run, service] of [
      [runGateway, "gateway"],
      [runCatalogue, "national-catalogue"],
    ] as const) {
      const first = await run(dataDir);
      expect(first.health, first.err).toBe(200);
      expect(existsSync(lastGoodRegistryFile(dataDir, service))).toBe(true);
    }

    // The bad edit, by hand (npm run partner would refuse it), then a restart of each.
    good = readFileSync(registryFile, "utf8");
    writeFileSync(registryFile, good.replace(/"port": 4121,/, `"port": 4121, "url": "htp:/not a url",`));
    for (const run of [runGateway, runCatalogue]) {
      const second = await run(dataDir);
      expect(second.health, second.err).toBe(200);
      const refused = second.out.split("\n").filter((l) => l.includes("registry refused"));
      expect(refused).toHaveLength(1);
      expect(JSON.parse(refused[0]!)).toMatchObject({
        msg: "registry refused at start; starting from the last good registry",
        file: registryFile,
      });
      expect(refused[0]).toMatch(/partners\.\d+\.url: must be an http/);
    }
  });

  it("refuses to start, with one line naming the fault, when it has no last good registry", async () => {
    const run = await runGateway(join(dir, "fresh"));
    expect(run.health).toBeUndefined();
    expect(run.code).toBe(1);
    const lines = run.err.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /partners\.\d+\.url: must be an http:\/\/ or https:\/\/ URL with a host; no last good registry at /,
    );
  });
});

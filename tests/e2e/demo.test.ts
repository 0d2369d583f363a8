// The README's first command, end to end: the launcher starts every partner, the catalogue and the
// gateway as separate processes on loopback, on a fresh data folder; the README's example query
// then returns items from at least two partners of each kind.
//
// It runs beside a user's own `npm start`: the system under test gets a copy of the registry on free
// ports (REGISTRY_FILE, the setting a user has) and a free GATEWAY_PORT, and never binds the demo's.
// To prove it, the test itself holds the gateway's port 4000 and every port of the committed registry.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createServer, type Server } from "node:net";
import { DEFAULT_REGISTRY_FILE } from "../../lib/registry/registry.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), "dpic-demo-"));
let launcher: ChildProcess;
let output = "";
let readyAfterMs = 0;
let gatewayUrl = "";
const held: Server[] = [];
const committed = JSON.parse(readFileSync(DEFAULT_REGISTRY_FILE, "utf8")) as {
  partners: { id: string; port: number }[];
};
const demoPorts = [4000, ...committed.partners.map((p) => p.port)];

/** Listens on a port as the demo would; a port already taken (the demo running) is held anyway. */
function hold(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => {
      held.push(s);
      resolve(true);
    });
  });
}

/** A copy of the registry with every partner on a free port: the system under test's REGISTRY_FILE. */
async function registryOnFreePorts(): Promise<string> {
  const partners = [];
  for (const p of committed.partners) partners.push({ ...p, port: await freePort() });
  const file = join(dataDir, "partners.json");
  writeFileSync(file, JSON.stringify({ ...committed, partners }, null, 2));
  return file;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function exampleQuery(): string {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const match = /<!-- example-query[^>]*-->\s*```graphql\n([\s\S]*?)```/.exec(readme);
  if (!match?.[1]) throw new Error("README.md has no example query after the example-query marker");
  return match[1];
}

beforeAll(async () => {
  for (const p of demoPorts) await hold(p);
  const port = await freePort();
  const registryFile = await registryOnFreePorts();
  const started = performance.now();
  launcher = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    cwd: root,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      REGISTRY_FILE: registryFile,
      GATEWAY_PORT: String(port),
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /running at (http:\/\/\S+)/.exec(output);
      if (ready?.[1]) {
        gatewayUrl = ready[1];
        readyAfterMs = performance.now() - started;
        resolve();
      }
    };
    launcher.stdout!.on("data", onData);
    launcher.stderr!.on("data", onData);
    launcher.on("exit", (code) => reject(new Error(`launcher exited with ${code}:\n${output}`)));
  });
}, 150_000);

afterAll(async () => {
  if (launcher?.pid) {
    const exited = new Promise((r) => launcher.once("exit", r));
    process.kill(-launcher.pid, "SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  }
  rmSync(dataDir, { recursive: true, force: true });
  await Promise.all(held.map((s) => new Promise((r) => s.close(r))));
});

describe("npm start", () => {
  it("runs beside the demo: none of the demo's ports (4000, the registry's 41xx) is needed", async () => {
    // Every demo port is taken (by this test, or by a demo already running) and the system still came up.
    for (const p of demoPorts)
      expect(await hold(p), `port ${p} is free, so nothing proves the system avoided it`).toBe(false);
    expect(new URL(gatewayUrl).port).not.toBe("4000");
    expect(output).not.toMatch(/EADDRINUSE/);
  });

  it("brings the gateway up within 60 s on a fresh data folder", () => {
    console.log(`gateway ready after ${(readyAfterMs / 1000).toFixed(1)} s`);
    expect(readyAfterMs).toBeLessThan(60_000);
    expect(gatewayUrl).toMatch(/^http:\/\/localhost:\d+\/graphql$/);
  });

  it("answers the README's example query with items from at least two partners of each kind", async () => {
    const res = await fetch(gatewayUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: exampleQuery() }),
    });
    const body = (await res.json()) as any;
    expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
    // Collect every id anywhere in the answer and group the owners by kind.
    const owners: Record<string, Set<string>> = { resource: new Set(), network: new Set(), project: new Set() };
    JSON.stringify(body.data, (key, value) => {
      if (key === "id" && typeof value === "string") {
        const [partner, word] = value.split(":");
        if (partner && word && owners[word]) owners[word]!.add(partner);
      }
      return value;
    });
    for (const [kind, set] of Object.entries(owners))
      expect(set.size, `${kind} partners: ${[...set]}`).toBeGreaterThanOrEqual(2);
    // Live fields from the owners, not just index rows.
    const project = body.data.projects.edges[0].node;
    expect(project.aim).toEqual(expect.any(String));
    expect(project.measures.length).toBeGreaterThan(0);
    expect(body.data.falls.edges.length).toBeGreaterThan(0);
  });
});

// The README's first command, end to end: the launcher starts every partner, the catalogue and the
// gateway as separate processes on loopback, on a fresh data folder; the README's example query
// then returns items from at least two partners of each kind.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createServer } from "node:net";

const root = fileURLToPath(new URL("../..", import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), "dpic-demo-"));
let launcher: ChildProcess;
let output = "";
let readyAfterMs = 0;
let gatewayUrl = "";

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
  const port = await freePort();
  const started = performance.now();
  launcher = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, GATEWAY_PORT: String(port), LOG_LEVEL: "warn" },
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
});

describe("npm start", () => {
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
    for (const [kind, set] of Object.entries(owners)) expect(set.size, `${kind} partners: ${[...set]}`).toBeGreaterThanOrEqual(2);
    // Live fields from the owners, not just index rows.
    const project = body.data.projects.edges[0].node;
    expect(project.aim).toEqual(expect.any(String));
    expect(project.measures.length).toBeGreaterThan(0);
    expect(body.data.falls.edges.length).toBeGreaterThan(0);
  });
});

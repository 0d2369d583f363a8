// A partner process as an operator runs it, on an embedded store in a folder: its running database
// reports fsync on (PGlite's default is off), unless EMBEDDED_FSYNC=off asks for the fast, unsafe mode.
import { afterAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "partner-fsync-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Starts the improvement-hub partner on a free port and a fresh folder; its /health, then stops it. */
async function healthOfRunningPartner(env: Record<string, string>, folder: string): Promise<Record<string, unknown>> {
  const child = spawn(process.execPath, ["--import", "tsx", "subgraphs/resources/index.ts"], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "development",
      PARTNER_ID: "improvement-hub",
      PORT: "0",
      DATA_DIR: join(dir, folder),
      LOG_LEVEL: "info",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += String(d)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.once("exit", (code) => reject(new Error(`partner exited with ${code}: ${stderr}`)));
      createInterface({ input: child.stdout! }).on("line", (line) => {
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === "listening" && entry.url) resolve(entry.url);
      });
    });
    return (await (await fetch(new URL("/health", url))).json()) as Record<string, unknown>;
  } finally {
    child.kill("SIGTERM");
  }
}

describe("a partner's embedded store", { timeout: 90_000 }, () => {
  it("runs with fsync on by default", async () => {
    expect(await healthOfRunningPartner({}, "default")).toMatchObject({
      partner: "improvement-hub",
      store: "embedded",
      fsync: "on",
    });
  });

  it("runs with fsync off only when EMBEDDED_FSYNC=off", async () => {
    expect(await healthOfRunningPartner({ EMBEDDED_FSYNC: "off" }, "off")).toMatchObject({
      store: "embedded",
      fsync: "off",
    });
  });
});

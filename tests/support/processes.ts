// A service in its own process, started as it is deployed (lib/node-flags.ts: the same Node flags,
// the same entry point), for tests whose subject is the process itself: its memory under load, how
// it stops on a signal. The test system's partners (tests/support/system.ts) run in the test's
// process; the registry file written here points the process at them.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { nodeCommand, type Runner, type Service } from "../../lib/node-flags.ts";
import { formatRegistry } from "../../lib/registry/edit.ts";
import type { Registry } from "../../lib/registry/registry.ts";
import { procMb } from "../../scripts/bench/proc-status.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface ServiceProcess {
  child: ChildProcess;
  pid: number;
  /** The /graphql URL it logged when it started listening. */
  url: string;
  /** Every JSON log line it printed so far. */
  logs: Record<string, unknown>[];
  stderr(): string;
  /** Resident memory now and at its peak (VmRSS, VmHWM), MB. */
  rssMb(): number;
  peakRssMb(): number;
  /** Sends the signal and waits for the exit: its code and how long it took. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
}

/** A registry file listing these partners at their running URLs; removed by the returned cleanup. */
export function registryFileFor(registry: Registry): { file: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "registry-"));
  const file = join(dir, "partners.json");
  writeFileSync(file, formatRegistry({ partners: registry.partners.map((p) => ({ ...p })) }));
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Starts `entry` (e.g. gateway/index.ts) with `service`'s deployed Node flags and this environment
 * only (plus PATH), and waits for its "listening" log line. `runner` "tsx" (the default) runs the
 * source; "compiled" runs its build under dist/ (`npm run build` first), as the Dockerfile does.
 */
export async function startProcess(
  service: Service,
  entry: string,
  env: Record<string, string>,
  startMs = 60_000,
  runner: Runner = "tsx",
): Promise<ServiceProcess> {
  const [, ...args] = nodeCommand(service, entry, runner);
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += String(d)));
  const logs: Record<string, unknown>[] = [];
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} did not start in ${startMs} ms: ${stderr}`)), startMs);
    child.once("exit", (code) => reject(new Error(`${entry} exited with ${code} before listening: ${stderr}`)));
    lines.on("line", (line) => {
      let entryLog: Record<string, unknown>;
      try {
        entryLog = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      logs.push(entryLog);
      if (typeof entryLog.msg === "string" && /listening$/.test(entryLog.msg) && typeof entryLog.url === "string") {
        clearTimeout(timer);
        resolve(entryLog.url);
      }
    });
  });
  const pid = child.pid!;
  return {
    child,
    pid,
    url,
    logs,
    stderr: () => stderr,
    rssMb: () => procMb(pid, "VmRSS"),
    peakRssMb: () => procMb(pid, "VmHWM"),
    stop: (signal = "SIGTERM") =>
      new Promise((resolve) => {
        const started = performance.now();
        if (child.exitCode !== null || child.signalCode !== null)
          return resolve({ code: child.exitCode, signal: child.signalCode, ms: 0 });
        child.once("exit", (code, sig) => resolve({ code, signal: sig, ms: Math.round(performance.now() - started) }));
        child.kill(signal);
      }),
  };
}

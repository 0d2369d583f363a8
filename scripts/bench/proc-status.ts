// Memory of a running process as Linux reports it: read by the gateway bench and by the tests that
// start services as their own processes (tests/support/processes.ts).
import { readFileSync } from "node:fs";

/** A figure from /proc/<pid>/status, in MB (VmRSS now, VmHWM the peak); NaN once the process is gone. */
export function procMb(pid: number, field: "VmRSS" | "VmHWM"): number {
  try {
    const m = readFileSync(`/proc/${pid}/status`, "utf8").match(new RegExp(`${field}:\\s+(\\d+) kB`));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

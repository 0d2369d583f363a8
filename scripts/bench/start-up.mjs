// Usage: node scripts/bench/start-up.mjs tsx|compiled (npm run build first for compiled): runs the
// `npm start` launcher on the registry ports + 1000 (gateway 5000) with a fresh DATA_DIR, beside any
// running `npm start`, and prints its time to ready and the RSS summed over its process tree then.
import { spawn, execSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
const mode = process.argv[2];
const root = fileURLToPath(new URL("../../", import.meta.url));
const reg = JSON.parse(readFileSync(join(root, "schema/partners.json"), "utf8"));
for (const p of reg.partners) p.port += 1000;
const dir = mkdtempSync(join(tmpdir(), "startm-"));
writeFileSync(join(dir, "partners.json"), JSON.stringify(reg, null, 2));
const args = mode === "tsx" ? ["--import", "tsx", "scripts/start.ts"] : ["dist/scripts/start.js"];
const t0 = performance.now();
const child = spawn(process.execPath, args, {
  cwd: root,
  env: {
    ...process.env,
    REGISTRY_FILE: join(dir, "partners.json"),
    GATEWAY_PORT: "5000",
    DATA_DIR: join(dir, "data"),
    LOG_LEVEL: "warn",
  },
  stdio: ["ignore", "pipe", "inherit"],
  detached: true,
});
function tree(pid) {
  const kids = execSync(`ps -o pid= --ppid ${pid} || true`).toString().trim().split(/\s+/).filter(Boolean).map(Number);
  return [pid, ...kids.flatMap(tree)];
}
function rss(pid) {
  try {
    return Number(readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+)/)[1]) / 1024;
  } catch {
    return 0;
  }
}
let buf = "";
child.stdout.on("data", (d) => {
  buf += d;
  if (/\] ready: /.test(buf)) {
    const ms = performance.now() - t0;
    const pids = tree(child.pid);
    const total = pids.reduce((s, p) => s + rss(p), 0);
    console.log(
      JSON.stringify({
        mode,
        readyS: +(ms / 1000).toFixed(1),
        processes: pids.length,
        rssSumMb: Math.round(total),
        launcherLines: buf.split("\n").filter((l) => l.startsWith("[start")),
      }),
    );
    buf = "";
    process.kill(-child.pid, "SIGINT");
  }
});
child.on("exit", () => {
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
});
setTimeout(() => {
  console.log("timeout", buf);
  process.kill(-child.pid, "SIGKILL");
}, 240000).unref();

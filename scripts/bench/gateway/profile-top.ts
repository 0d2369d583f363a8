// Summarises a V8 CPU profile (node --cpu-prof) by self time: the frames where the process spends
// its own time, with the package (or our file) each belongs to.
//   tsx scripts/bench/gateway/profile-top.ts /tmp/prof/CPU.*.cpuprofile [rows] [skip ms]
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
}

/** Where a frame lives: a package name, our own file, or a node builtin. */
export function ownerOf(url: string): string {
  if (!url) return "(native)";
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1]!;
  if (url.startsWith("node:")) return url;
  const ours = url.match(/\/(gateway|lib|schema|subgraphs|scripts)\/.*$/);
  return ours ? ours[0].slice(1) : url;
}

/**
 * Rows [self %, self ms, function, where] for the top frames, then the top owners. Samples in the
 * first `skipMs` of the profile (start-up: module loading) are left out.
 */
export function summariseProfile(text: string, rows = 25, skipMs = 0): string[][] {
  const profile = JSON.parse(text) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  // Self time from samples and their time deltas (µs); hit counts when there are no samples.
  if (profile.samples && profile.timeDeltas) {
    let at = 0;
    profile.samples.forEach((id, i) => {
      const delta = profile.timeDeltas![i] ?? 0;
      at += delta;
      if (at >= skipMs * 1000) self.set(id, (self.get(id) ?? 0) + delta);
    });
  } else {
    for (const n of profile.nodes) self.set(n.id, n.hitCount ?? 0);
  }
  const frames = new Map<string, number>();
  const owners = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    const f = byId.get(id)!.callFrame;
    if (f.functionName === "(idle)" || f.functionName === "(program)") continue;
    total += us;
    const owner = ownerOf(f.url);
    const key = `${f.functionName || "(anonymous)"}\t${owner}:${f.lineNumber + 1}`;
    frames.set(key, (frames.get(key) ?? 0) + us);
    owners.set(owner, (owners.get(owner) ?? 0) + us);
  }
  const pct = (us: number) => `${((100 * us) / total).toFixed(1)}%`;
  const out = [["self", "ms", "frame", "where"]];
  for (const [key, us] of [...frames].sort((a, b) => b[1] - a[1]).slice(0, rows)) {
    const [fn, where] = key.split("\t") as [string, string];
    out.push([pct(us), (us / 1000).toFixed(0), fn, where]);
  }
  out.push(["", "", "", ""], ["self", "ms", "by package / file", ""]);
  for (const [owner, us] of [...owners].sort((a, b) => b[1] - a[1]).slice(0, 12))
    out.push([pct(us), (us / 1000).toFixed(0), owner, ""]);
  out.push(["100%", (total / 1000).toFixed(0), "busy total (idle and (program) excluded)", ""]);
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { printTable } = await import("../table.ts");
  const [file, rows, skip] = process.argv.slice(2);
  if (!file) {
    console.error("usage: profile-top.ts <file.cpuprofile> [rows]");
    process.exit(2);
  }
  printTable(summariseProfile(readFileSync(file, "utf8"), Number(rows ?? 25), Number(skip ?? 0)));
}

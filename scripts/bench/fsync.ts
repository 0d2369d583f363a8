// npx tsx scripts/bench/fsync.ts [transactions=500] [rounds=3]: what EMBEDDED_FSYNC=on costs. For
// each setting, alternately: a fresh partner folder from the template (first start), a reopen
// (every later start), and N small write transactions (one INSERT each). Medians over the rounds;
// the two settings interleave so that a noisy neighbour hits both alike.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEmbedded, templateDir } from "../../lib/db/embedded.ts";

const transactions = Number(process.argv[2] ?? 500);
const rounds = Number(process.argv[3] ?? 3);
const root = mkdtempSync(join(tmpdir(), "bench-fsync-"));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function once(fsync: boolean, round: number) {
  const dir = join(root, `${fsync ? "on" : "off"}-${round}`);
  let t = performance.now();
  const db = await openEmbedded(dir, { fsync });
  const createMs = performance.now() - t;
  await db.exec(`CREATE TABLE t (id serial PRIMARY KEY, v text)`);
  t = performance.now();
  for (let i = 0; i < transactions; i++) await db.query(`INSERT INTO t (v) VALUES ($1)`, [`row ${i}`]);
  const writeMs = performance.now() - t;
  await db.close();
  t = performance.now();
  await (await openEmbedded(dir, { fsync })).close();
  const reopenMs = performance.now() - t;
  return { createMs, reopenMs, writeMs };
}

await templateDir();
const results: Record<"on" | "off", { createMs: number; reopenMs: number; writeMs: number }[]> = { on: [], off: [] };
for (let r = 0; r < rounds; r++)
  for (const fsync of [false, true]) results[fsync ? "on" : "off"].push(await once(fsync, r));
rmSync(root, { recursive: true, force: true });
for (const [setting, rs] of Object.entries(results)) {
  const write = median(rs.map((x) => x.writeMs));
  console.log(
    `EMBEDDED_FSYNC=${setting.padEnd(3)} first start ${median(rs.map((x) => x.createMs))
      .toFixed(0)
      .padStart(5)} ms, ` +
      `restart ${median(rs.map((x) => x.reopenMs))
        .toFixed(0)
        .padStart(5)} ms, ` +
      `${transactions} transactions ${write.toFixed(0).padStart(5)} ms (${(write / transactions).toFixed(2)} ms each)`,
  );
}

// npm run bench [-- --quick]: performance figures, each printed as a ratio measured side by side
// in the same run (the machines are shared and noisy; absolute times are for context only).
import { parseArgs } from "node:util";
import { benchHarvest } from "./bench/harvest.ts";

const { values } = parseArgs({ options: { quick: { type: "boolean" }, items: { type: "string" }, partners: { type: "string" } } });
const items = Number(values.items ?? (values.quick ? 10_000 : 100_000));
const partners = Number(values.partners ?? 10);

console.log(`harvest: ${items} items from ${partners} simulated partners (loopback HTTP, embedded store)`);
// Every embedded database registers exit handlers; eleven in one process are expected.
process.setMaxListeners(64);
const started = performance.now();
const h = await benchHarvest(items, partners, (msg) => console.log(`  [${((performance.now() - started) / 1000).toFixed(0)} s] ${msg}`));
const rows = [
  ["scenario", "items", "seconds", "items/s", "ratio to limit", "target"],
  ["bulk insert (limit)", String(h.items), h.bulkSeconds.toFixed(1), Math.round(h.bulkRate).toString(), "1.00", ""],
  ["harvest", String(h.indexed), h.harvestSeconds.toFixed(1), Math.round(h.harvestRate).toString(), h.ratio.toFixed(2), ">= 0.30"],
];
const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
for (const r of rows) console.log(r.map((cell, c) => cell.padEnd(widths[c]!)).join("  "));
if (h.indexed !== h.items) {
  console.error(`wrong answer: the index holds ${h.indexed} items, expected ${h.items}`);
  process.exit(1);
}

// npm run bench [-- --quick] [-- --only harvest,analysis,...] [-- --scenarios a,b]: performance figures, each printed as
// a ratio measured side by side in the same run (the machines are shared and noisy; absolute times
// are for context only). Each section lives in scripts/bench/<section>.ts and returns false on a
// wrong answer, which makes the whole run exit 1 (CI runs the --quick form for that reason).
import "./bench/as-deployed.ts";
import { parseArgs } from "node:util";
import { benchHarvest } from "./bench/harvest.ts";
import { printTable } from "./bench/table.ts";
import { benchGateway } from "./bench/gateway/index.ts";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { AnalysisBenchResult } from "./bench/analysis.ts";
import { NODE_FLAGS } from "../lib/node-flags.ts";

/** Runs scripts/bench/analysis-process.ts with the projects subgraph's flags; its result. */
async function runAnalysisProcess(
  measures: number,
  points: number,
  log: (m: string) => void,
): Promise<AnalysisBenchResult> {
  const child = spawn(
    process.execPath,
    [
      ...NODE_FLAGS.projects,
      "--expose-gc",
      "--import",
      "tsx",
      new URL("./bench/analysis-process.ts", import.meta.url).pathname,
      String(measures),
      String(points),
    ],
    {
      env: { ...process.env, NODE_ENV: "production" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  createInterface({ input: child.stderr! }).on("line", (line) => log(line));
  let last = "";
  createInterface({ input: child.stdout! }).on("line", (line) => (last = line));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  if (code !== 0) throw new Error(`the analysis benchmark process exited with ${code}`);
  return JSON.parse(last) as AnalysisBenchResult;
}

const { values } = parseArgs({
  options: {
    quick: { type: "boolean" },
    only: { type: "string" },
    // Gateway section: only these scenarios (a, b, c, c2, d), e.g. to compare two designs on (a) alone.
    scenarios: { type: "string" },
    items: { type: "string" },
    partners: { type: "string" },
    measures: { type: "string" },
    // Gateway section: partners on a PostgreSQL server (TEST_DATABASE_URL's form) instead of embedded.
    postgres: { type: "boolean" },
  },
});
const quick = values.quick ?? false;

type Section = (log: (msg: string) => void) => Promise<boolean>;

const sections: Record<string, Section> = {
  async harvest(log) {
    const items = Number(values.items ?? (quick ? 10_000 : 100_000));
    const partners = Number(values.partners ?? 10);
    console.log(`harvest: ${items} items from ${partners} simulated partners (loopback HTTP, embedded store)`);
    const h = await benchHarvest(items, partners, log);
    printTable([
      ["scenario", "items", "seconds", "items/s", "ratio to limit", "target"],
      ["bulk insert (limit)", String(h.items), h.bulkSeconds.toFixed(1), Math.round(h.bulkRate).toString(), "1.00", ""],
      [
        "harvest",
        String(h.indexed),
        h.harvestSeconds.toFixed(1),
        Math.round(h.harvestRate).toString(),
        h.ratio.toFixed(2),
        ">= 0.30",
      ],
    ]);
    if (h.indexed !== h.items) {
      console.error(`wrong answer: the index holds ${h.indexed} items, expected ${h.items}`);
      return false;
    }
    return true;
  },
  async analysis(log) {
    const measures = Number(values.measures ?? (quick ? 1_000 : 10_000));
    // Run as deployed (Dockerfile, lib/node-flags.ts): in production graphql-js skips its
    // development checks, and the projects subgraph has its own heap settings.
    console.log(
      `analysis: ${measures} measures × 100 points, XmR + run chart (functions in process vs projects subgraph over loopback HTTP; NODE_ENV=production ${NODE_FLAGS.projects.join(" ")})`,
    );
    const a = await runAnalysisProcess(measures, 100, log);
    printTable([
      ["scenario", "measures", "seconds", "measures/s", "ratio", "target"],
      [
        "analysis functions",
        String(a.measures),
        a.functionSeconds.toFixed(2),
        Math.round(a.functionRate).toString(),
        "1.00",
        "",
      ],
      [
        `projects subgraph, outcomes per measure`,
        String(a.measures),
        a.summarySeconds.toFixed(2),
        Math.round(a.measures / a.summarySeconds).toString(),
        a.summaryRatio.toFixed(2),
        "<= 2.00",
      ],
      // Context, not the target: the same analysis with all 2,000,000 per-point results sent as fields.
      [
        `projects subgraph, every point sent (${a.requests} requests, ${a.statementsPerRequest.toFixed(1)} statements each)`,
        String(a.answered),
        a.subgraphSeconds.toFixed(2),
        Math.round(a.subgraphRate).toString(),
        a.ratio.toFixed(2),
        "(context)",
      ],
    ]);
    for (const m of a.mismatches.slice(0, 10)) console.error(`wrong answer: ${m}`);
    if (a.answered !== a.measures) console.error(`wrong answer: ${a.answered} of ${a.measures} measures answered`);
    return a.ok;
  },
  gateway: (log) =>
    benchGateway(
      {
        quick,
        postgresUrl: values.postgres
          ? (process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test")
          : undefined,
        scenarios: values.scenarios?.split(",").map((s) => s.trim()),
      },
      log,
    ),
};

const chosen = values.only ? values.only.split(",").map((s) => s.trim()) : Object.keys(sections);
const unknown = chosen.filter((s) => !(s in sections));
if (unknown.length > 0) {
  console.error(`unknown bench section(s): ${unknown.join(", ")}; known: ${Object.keys(sections).join(", ")}`);
  process.exit(2);
}
// Every embedded database registers exit handlers; a dozen in one process are expected.
process.setMaxListeners(64);
const started = performance.now();
const log = (msg: string) => console.log(`  [${((performance.now() - started) / 1000).toFixed(0)} s] ${msg}`);
let ok = true;
for (const name of chosen) {
  ok = (await sections[name]!(log)) && ok;
  console.log("");
}
// The --quick form is CI's (issue 6: under two minutes); the full form's budget is ten.
console.log(
  `bench ${quick ? "--quick " : ""}finished in ${((performance.now() - started) / 1000).toFixed(0)} s${ok ? "" : ", with wrong answers (above)"}`,
);
process.exit(ok ? 0 : 1);

// The analysis benchmark in a process of its own, started by scripts/bench.ts the way a projects
// partner is deployed: NODE_ENV=production and the projects subgraph's Node flags
// (lib/node-flags.ts). Both sides of the comparison (the functions alone and the subgraph) run in
// this one process, so they share its settings. Progress goes to stderr, the result to stdout as
// one JSON line.
import { benchAnalysis } from "./analysis.ts";

const [measures, points] = process.argv.slice(2).map(Number) as [number, number];
const result = await benchAnalysis({ measures, points, log: (m) => process.stderr.write(`${m}\n`) });
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);

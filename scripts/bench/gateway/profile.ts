// Profiles our gateway under the deep nested scenario (c) (or another: --scenario a): the gateway
// bench with only that scenario, our gateway's process run with `node --cpu-prof`, and its top
// frames by self time printed at the end.
//   tsx scripts/bench/gateway/profile.ts [/tmp/gateway-prof] [--quick] [--scenario c]
import { mkdirSync } from "node:fs";
import { benchGateway } from "./index.ts";

const args = process.argv.slice(2);
const scenario = args.includes("--scenario") ? args[args.indexOf("--scenario") + 1]! : "c";
const dir = args.find((a, i) => !a.startsWith("--") && args[i - 1] !== "--scenario") ?? "/tmp/gateway-prof";
mkdirSync(dir, { recursive: true });
process.setMaxListeners(64);
const started = performance.now();
const ok = await benchGateway({ quick: args.includes("--quick"), scenarios: [scenario], profileDir: dir }, (msg) =>
  console.log(`  [${((performance.now() - started) / 1000).toFixed(0)} s] ${msg}`),
);
process.exit(ok ? 0 : 1);

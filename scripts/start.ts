// npm start: runs the whole national catalogue on this machine, each partner as its own process on
// its registry port with its own embedded database under DATA_DIR, then the catalogue (which
// harvests every partner), then the gateway. Ctrl-C stops everything.
import { spawn, type ChildProcess } from "node:child_process";
import { loadConfigOrExit } from "../lib/config.ts";
import { loadDevKeys } from "../lib/auth/keys.ts";
import { devToken } from "../lib/auth/dev-tokens.ts";
import { NATIONAL_ADMIN_ROLE } from "../schema/roles.ts";
import { loadRegistry, RegistryError, type Partner, type Registry } from "../lib/registry/registry.ts";
import { PARTNER_KINDS } from "../schema/kinds.ts";
import { templateDir } from "../lib/db/embedded.ts";
import { nodeCommand, type Runner, type Service } from "../lib/node-flags.ts";
import { PROJECT_ROOT } from "../lib/project-root.ts";

const config = loadConfigOrExit();
let registry: Registry;
try {
  registry = loadRegistry(config.REGISTRY_FILE, config.PARTNER_URL_TEMPLATE);
} catch (e) {
  if (!(e instanceof RegistryError)) throw e;
  console.error(`${config.REGISTRY_FILE}: ${e.message}`);
  process.exit(1);
}
// Partners, the catalogue, the gateway and `npm run token` must share one set of development keys
// (lib/auth/keys.ts): made here, before any of them starts, unless real keys are configured.
if (config.NODE_ENV !== "production") loadDevKeys(config.DATA_DIR);
const root = PROJECT_ROOT;
// The services run the way this launcher runs: `npm start` (node dist/scripts/start.js, the build) or
// `npm run start:tsx` (the sources, no build step), so the two can be compared.
const runner: Runner = import.meta.url.endsWith(".js") ? "compiled" : "tsx";
const children: ChildProcess[] = [];
const started = performance.now();
const say = (msg: string) => console.log(`[start +${((performance.now() - started) / 1000).toFixed(1)}s] ${msg}`);

// Nine partners start at once on a small machine, each compiling and running PostgreSQL (WASM)
// through start-up and migrations: V8's default budget re-compiles the hot WASM functions with its
// optimising compiler during that burst, ~1.5 s of CPU per process that start-up never earns back.
// A larger budget defers that to code that stays hot while serving (measured: partners up in 30 s
// instead of 37 s on 2 cores). Only here: a deployment starts one service per host.
const DEMO_FLAGS = ["--wasm-tiering-budget=180000000"];

function run(name: string, service: Service, entry: string, env: Record<string, string>): ChildProcess {
  const [, ...args] = nodeCommand(service, entry, runner);
  const child = spawn(process.execPath, [...DEMO_FLAGS, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "inherit", "inherit"],
  });
  child.on("exit", (code, signal) => {
    if (!stopping) {
      say(`${name} exited (${signal ?? code}); stopping everything`);
      void stop(1);
    }
  });
  children.push(child);
  return child;
}

async function waitHealthy(name: string, url: string, timeoutMs = 90_000): Promise<void> {
  const health = new URL("/health", url).toString();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(health, { signal: AbortSignal.timeout(1000) })).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} did not become healthy at ${health} within ${timeoutMs / 1000}s`);
}

let stopping = false;
async function stop(code: number): Promise<never> {
  stopping = true;
  for (const c of children) c.kill("SIGTERM");
  // Each service drains its in-flight requests before it exits (lib/shutdown.ts): wait for them,
  // up to their drain deadline and a margin, instead of leaving them behind.
  const exited = children.map((c) =>
    c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise((r) => c.once("exit", r)),
  );
  await Promise.race([Promise.all(exited), new Promise((r) => setTimeout(r, 25_000).unref())]);
  process.exit(code);
}
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));

const partners = registry.partners.filter((p) => p.enabled && (PARTNER_KINDS as readonly string[]).includes(p.kind));
const partnerEnv = (p: Partner) => ({ PARTNER_ID: p.id });
try {
  // Made once here (a few seconds, first run only) rather than by every partner in parallel.
  await templateDir();
  // The catalogue and the gateway start with the partners: their start-up (modules, database,
  // schema) overlaps the partners' instead of following it. The catalogue does not harvest at
  // start; it is asked to once every partner is up, and the gateway re-checks any partner it found
  // still starting.
  say(`starting ${partners.length} partners, the national catalogue and the gateway`);
  for (const p of partners) run(p.id, p.kind as Service, `subgraphs/${p.kind}/index.ts`, partnerEnv(p));
  const catalogue = registry.catalogue();
  run(catalogue.id, "catalogue", "subgraphs/catalogue/index.ts", {
    ...partnerEnv(catalogue),
    HARVEST_AT_START: "false",
  });
  run("gateway", "gateway", "gateway/index.ts", {});
  await Promise.all(partners.map((p) => waitHealthy(p.id, p.url)));
  say("partners up; harvesting them into the national catalogue");
  await waitHealthy(catalogue.id, catalogue.url);
  // The catalogue harvests for a national admin only: the launcher is one, with a development token.
  const admin = await devToken(config, {
    user: "npm-start",
    organisation: catalogue.organisation,
    roles: [NATIONAL_ADMIN_ROLE],
  });
  const harvest = await fetch(new URL("/admin/harvest", catalogue.url), {
    method: "POST",
    headers: { authorization: `Bearer ${admin}` },
  }).then((r) => r.text());
  const summary = JSON.parse(harvest.trim().split("\n").at(-1) ?? "{}") as { items?: number; failed?: string[] };
  say(
    `first harvest done: ${summary.items ?? 0} items${summary.failed?.length ? `; not harvested: ${summary.failed.join(", ")}` : ""}`,
  );
  const gatewayUrl = `http://localhost:${config.GATEWAY_PORT}/graphql`;
  await waitHealthy("gateway", gatewayUrl);
  say(`ready: ${gatewayUrl}`);
  console.log(
    `\nThe national improvement catalogue is running at ${gatewayUrl}\nTry: curl -s ${gatewayUrl} -H 'content-type: application/json' -d '{"query":"{ search(query: \\"falls\\") { totalCount edges { node { title partner { name } } } } }"}'\nTo write, get a development token: TOKEN=$(npm run -s token -- --org essex-cc --role editor)\nCtrl-C stops it.\n`,
  );
} catch (e) {
  console.error((e as Error).message);
  await stop(1);
}

// Gateway benchmark (issue 6): our gateway against the limit (calling the owning subgraphs
// directly), a default-configured @apollo/gateway and Hive Gateway, in the same run, on the same
// subgraphs and data. The subgraphs run in this process (so their statement counters can be read);
// each gateway runs in its own process (so its memory can be read from /proc); the load comes from
// a third process (load-worker.ts). Every answer is checked before timing; a wrong answer or an
// error during load makes the section fail.
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { Agent } from "node:http";
import { isDeepStrictEqual } from "node:util";
import { fileURLToPath } from "node:url";
import { printTable } from "../table.ts";
import { BENCH_PARTNERS, ONE_PER_KIND, startDeployment, statementCounts, type Deployment } from "./data.ts";
import { NODE_FLAGS } from "../../../lib/node-flags.ts";
import {
  DEEP,
  DEEP_VARIED,
  pageQuery,
  SINGLE,
  SINGLE_VIA_CATALOGUE,
  WRITE_PROJECT_ID,
  writeBodies,
} from "./queries.ts";
import { issueToken } from "../../../lib/auth/dev-tokens.ts";
import { DEFAULT_AUDIENCE } from "../../../schema/roles.ts";
import { parseId } from "../../../schema/ids.ts";
import type { Harvester } from "../../../subgraphs/catalogue/harvest/harvester.ts";

/** Distinct writes prepared for (d): more than the fastest run makes (each is sent once). */
const WRITES_PREPARED = 20_000;
import { directPage, poster } from "./direct-page.ts";
import type { LoadCommand, LoadResult } from "./load-worker.ts";
import type { ServeConfig } from "./serve.ts";
import { formatMs, formatRatio, median, statementsByKind, type Baseline } from "./stats.ts";
import { summariseProfile } from "./profile-top.ts";
import { procMb } from "../proc-status.ts";

export interface GatewayBenchOptions {
  quick: boolean;
  /** A PostgreSQL server URL: each partner gets a fresh database on it (default: embedded stores). */
  postgresUrl?: string;
  /** Profile our gateway's process with --cpu-prof into this folder and print its top frames. */
  profileDir?: string;
  /** Scenarios to run (default a, b, c, c2). */
  scenarios?: string[];
}

export const BASELINE_FILE = fileURLToPath(new URL("../baseline.json", import.meta.url));
const HERE = fileURLToPath(new URL(".", import.meta.url));
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

type GatewayName = "ours" | "apollo" | "hive";
const LABEL: Record<string, string> = {
  direct: "direct to the owner (limit)",
  "direct-catalogue": "direct to the catalogue (its lookup)",
  "direct-page": "direct client, no gateway (limit)",
  ours: "our gateway",
  apollo: "default @apollo/gateway",
  hive: "Hive Gateway",
};

interface Process {
  child: ChildProcess;
  lines: AsyncIterator<string>;
}

function start(args: string[]): Process {
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["pipe", "pipe", "inherit"] });
  return { child, lines: createInterface({ input: child.stdout! })[Symbol.asyncIterator]() };
}

async function nextLine(p: Process, what: string): Promise<string> {
  const next = await p.lines.next();
  if (next.done) throw new Error(`${what} exited before answering`);
  return next.value;
}

function stop(p: Process): Promise<void> {
  return new Promise((resolve) => {
    if (p.child.exitCode !== null) return resolve();
    p.child.once("exit", () => resolve());
    p.child.kill("SIGTERM");
  });
}

/** CPU time (user + system) a process has used so far, in ms (/proc/<pid>/stat, 100 ticks a second). */
function procCpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string; json: any }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, json: JSON.parse(text) };
}

type Scenario = "a" | "a2" | "b" | "c" | "c2" | "d";

interface Target {
  scenario: Scenario;
  via: string;
  pid?: number;
  command: LoadCommand;
  /** Statements per request, per partner, counted on one request after the check. */
  statements: Map<string, number>;
  runs: LoadResult[];
  peakRssMb: number;
  /** CPU ms per request over the timed rounds: the gateway's process, and the subgraphs' (this process). */
  cpu: { gateway: number; subgraphs: number; requests: number };
}

export async function benchGateway(options: GatewayBenchOptions, say: (msg: string) => void): Promise<boolean> {
  const scenarios = new Set(options.scenarios ?? ["a", "b", "c", "c2", "d"]);
  // Quick is CI's form: it checks every answer and prints ratios, well inside CI's two minutes.
  const plan = options.quick ? { warmup: 0.5, rounds: 2, seconds: 1 } : { warmup: 2, rounds: 5, seconds: 2.5 };
  // One connection measures the latency a hop adds; the throughput scenarios use ten (the public
  // anchor uses 50 virtual users on 4 vCPU; here the subgraphs, every gateway and the load share 2).
  const connections: Record<Scenario, number> = { a: 1, a2: 1, b: 10, c: 10, c2: 10, d: 10 };
  const baseline = existsSync(BASELINE_FILE)
    ? (JSON.parse(readFileSync(BASELINE_FILE, "utf8")).ratios as Baseline)
    : undefined;
  console.log(
    `gateway: ${BENCH_PARTNERS.length - 1} partners + catalogue (${options.postgresUrl ? "PostgreSQL" : "embedded"} stores), each gateway in its own process, ` +
      `load from a separate process; warm-up ${plan.warmup} s excluded, median of ${plan.rounds} rounds of about ${plan.seconds} s`,
  );
  const failures: string[] = [];
  const deployment: Deployment = await startDeployment(options.postgresUrl, say);
  const urlOf = (id: string) => deployment.registry.get(id)!.url;
  const kindOf = (id: string) => deployment.registry.get(id)?.kind ?? "?";
  const gateways = new Map<GatewayName, Process>();
  const worker = start(["--import", "tsx", `${HERE}load-worker.ts`]);
  let oursReadyMs = 0;
  const before =
    options.profileDir && existsSync(options.profileDir) ? new Set(readdirSync(options.profileDir)) : new Set<string>();
  try {
    // The gateways, each its own process. Single-URL gateways get the "-a" partner of each kind.
    const config: ServeConfig = {
      partners: [...deployment.registry.partners],
      urls: Object.fromEntries(Object.entries(ONE_PER_KIND).map(([kind, id]) => [kind, urlOf(id)])),
      auth: { secret: deployment.keys.authSecret, signingKey: deployment.keys.signingKey },
    };
    const wanted: GatewayName[] =
      scenarios.has("a") || scenarios.has("c") || scenarios.has("c2") ? ["ours", "apollo", "hive"] : ["ours"];
    say(`starting gateways: ${wanted.join(", ")}`);
    const urls = new Map<GatewayName, string>();
    await Promise.all(
      wanted.map(async (name) => {
        const prof =
          name === "ours" && options.profileDir ? ["--cpu-prof", `--cpu-prof-dir=${options.profileDir}`] : [];
        // Ours runs with the flags it is deployed with (lib/node-flags.ts); the peers with Node's defaults, as configured out of the box.
        const flags = name === "ours" ? NODE_FLAGS.gateway : [];
        const p = start([...flags, ...prof, "--import", "tsx", `${HERE}serve.ts`, name, JSON.stringify(config)]);
        gateways.set(name, p);
        const ready = JSON.parse(await nextLine(p, `gateway ${name}`)) as { url: string; readyMs: number };
        urls.set(name, ready.url);
        if (name === "ours") oursReadyMs = ready.readyMs;
      }),
    );

    say(`gateway processes: ${[...gateways].map(([name, p]) => `${name} pid ${p.child.pid}`).join(", ")}`);

    const counted = async <T>(fn: () => Promise<T>): Promise<[T, Map<string, number>]> => {
      const s0 = statementCounts(deployment);
      const out = await fn();
      const s1 = statementCounts(deployment);
      return [
        out,
        new Map(
          [...s1].map(([id, n]) => [id, n - s0.get(id)!]).filter(([, n]) => (n as number) > 0) as [string, number][],
        ),
      ];
    };
    /** Checks one gateway's answer (twice: it must also be stable), returns its exact body and statements per request. */
    const check = async (via: string, url: string, body: unknown, expected: unknown, pick: (data: any) => unknown) => {
      await post(url, body);
      const [answer, statements] = await counted(() => post(url, body));
      const again = await post(url, body);
      if (answer.status !== 200 || answer.json.errors)
        failures.push(`${via}: ${answer.status} ${JSON.stringify(answer.json.errors ?? answer.json).slice(0, 300)}`);
      else if (!isDeepStrictEqual(pick(answer.json.data), expected))
        failures.push(`${via}: wrong answer ${answer.text.slice(0, 300)}`);
      else if (again.text !== answer.text) failures.push(`${via}: two answers to the same request differ`);
      return { text: answer.text, statements };
    };

    const targets: Target[] = [];
    const add = (scenario: Scenario, via: string, command: LoadCommand, statements: Map<string, number>) =>
      targets.push({
        scenario,
        via,
        pid: gateways.get(via as GatewayName)?.child.pid,
        command,
        statements,
        runs: [],
        peakRssMb: NaN,
        cpu: { gateway: 0, subgraphs: 0, requests: 0 },
      });
    const autocannon = (url: string, body: unknown, expectBody: string, scenario: Scenario): LoadCommand => ({
      kind: "autocannon",
      url,
      body: JSON.stringify(body),
      expectBody,
      connections: connections[scenario],
      seconds: plan.seconds,
    });

    say("checking every answer before timing");
    let constantStatements: boolean | undefined;
    let pagePartners = 0;
    if (scenarios.has("a")) {
      const owner = urlOf(ONE_PER_KIND.projects);
      const direct = await check("a direct", owner, SINGLE.direct, undefined, () => undefined);
      const expected = JSON.parse(direct.text).data?.projectFromOwner;
      if (!expected?.measures?.length) failures.push(`a direct: no project ${direct.text.slice(0, 200)}`);
      add("a", "direct", autocannon(owner, SINGLE.direct, direct.text, "a"), direct.statements);
      for (const g of wanted) {
        const c = await check(`a ${g}`, urls.get(g)!, SINGLE.gateway, expected, (d) => d?.projectFromOwner);
        add("a", g, autocannon(urls.get(g)!, SINGLE.gateway, c.text, "a"), c.statements);
      }
      // The same page through the catalogue's project(id): two hops, for context.
      const via = await check("a2 ours", urls.get("ours")!, SINGLE_VIA_CATALOGUE, expected, (d) => d?.project);
      add("a2", "ours", autocannon(urls.get("ours")!, SINGLE_VIA_CATALOGUE, via.text, "a2"), via.statements);
    }
    if (scenarios.has("b")) {
      const agent = new Agent({ keepAlive: true });
      const partnerUrls = Object.fromEntries(deployment.registry.partners.map((p) => [p.id, p.url]));
      const catalogue = deployment.registry.catalogue().id;
      const [expected, directStatements] = await counted(() => directPage(poster(agent), partnerUrls, catalogue, 20));
      agent.destroy();
      pagePartners = new Set(expected.search.edges.map((e: any) => e.node.id.split(":")[0])).size;
      if (pagePartners < 6) failures.push(`b: the page spans ${pagePartners} partners, expected at least 6`);
      const page = pageQuery(20);
      const ours = await check("b ours", urls.get("ours")!, page, expected, (d) => d);
      // No N+1: the same statements in every subgraph for a page of 10 and a page of 20.
      const [, ten] = await counted(() => post(urls.get("ours")!, pageQuery(10)));
      constantStatements = isDeepStrictEqual(ten, ours.statements);
      if (!constantStatements)
        say(`statements page 10 ${JSON.stringify([...ten])} vs page 20 ${JSON.stringify([...ours.statements])}`);
      add(
        "b",
        "direct-page",
        {
          kind: "page",
          urls: partnerUrls,
          catalogue,
          first: 20,
          expect: JSON.stringify(expected),
          connections: connections.b,
          seconds: plan.seconds,
        },
        directStatements,
      );
      add("b", "ours", autocannon(urls.get("ours")!, page, ours.text, "b"), ours.statements);
    }
    if (scenarios.has("c")) {
      const reference = await post(urls.get("ours")!, DEEP.gateway);
      const expected = reference.json.data;
      const members =
        expected?.project?.resources?.flatMap((r: any) => r.projects.flatMap((p: any) => p.network?.members ?? [])) ??
        [];
      if (members.length === 0) failures.push(`c: the deep answer has no members ${reference.text.slice(0, 300)}`);
      for (const g of wanted) {
        const c = await check(`c ${g}`, urls.get(g)!, DEEP.gateway, expected, (d) => d);
        add("c", g, autocannon(urls.get(g)!, DEEP.gateway, c.text, "c"), c.statements);
      }
    }
    if (scenarios.has("c2")) {
      // Every project of the one-partner-per-kind deployment, each checked through every gateway.
      // Statements are counted on the first project alone; the rest are checked four at a time.
      const varied = options.quick ? DEEP_VARIED.slice(0, 10) : DEEP_VARIED;
      const bodies = new Map<GatewayName, string[]>(wanted.map((g) => [g, []]));
      const statements = new Map<GatewayName, Map<string, number>>();
      const reference0 = await post(urls.get("ours")!, varied[0]!);
      for (const g of wanted) {
        const c = await check(
          `c2 ${g} ${varied[0]!.variables.id}`,
          urls.get(g)!,
          varied[0],
          reference0.json.data,
          (d) => d,
        );
        statements.set(g, c.statements);
      }
      const queue = [...varied.keys()];
      await Promise.all(
        [0, 1, 2, 3].map(async () => {
          for (let k = queue.shift(); k !== undefined; k = queue.shift()) {
            const body = varied[k]!;
            const reference = await post(urls.get("ours")!, body);
            for (const g of wanted) {
              const answer = await post(urls.get(g)!, body);
              if (
                answer.status !== 200 ||
                answer.json.errors ||
                !isDeepStrictEqual(answer.json.data, reference.json.data) ||
                !answer.json.data?.project
              ) {
                failures.push(`c2 ${g} ${body.variables.id}: wrong answer ${answer.text.slice(0, 300)}`);
              }
              bodies.get(g)![k] = answer.text;
            }
          }
        }),
      );
      for (const g of wanted) {
        const command: LoadCommand = {
          kind: "autocannon-varied",
          url: urls.get(g)!,
          bodies: varied.map((b) => JSON.stringify(b)),
          expectBodies: bodies.get(g)!,
          connections: connections.c2,
          seconds: plan.seconds,
        };
        add("c2", g, command, statements.get(g)!);
      }
    }
    if (scenarios.has("d")) {
      // Writes only through ours: the peers cannot sign the caller's identity, so partners refuse
      // their writes. No reference row: the figures are context for the reads above.
      const writeOwner = parseId(WRITE_PROJECT_ID)!.partner;
      const owner = urlOf(writeOwner);
      const ours = urls.get("ours")!;
      const measures: string[] =
        (
          await post(owner, {
            query: `query($id: ID!) { projectFromOwner(id: $id) { measures { id } } }`,
            variables: { id: WRITE_PROJECT_ID },
          })
        ).json.data?.projectFromOwner?.measures?.map((m: { id: string }) => m.id) ?? [];
      if (!measures.length) failures.push("d: the project has no measures to write to");
      const organisation = deployment.registry.get(writeOwner)!.organisation;
      const token = await issueToken(
        { user: "bench-editor", organisation, roles: ["editor"] },
        { secret: deployment.keys.authSecret, audience: DEFAULT_AUDIENCE, expiresIn: "2h" },
      );
      const headers = { authorization: `Bearer ${token}` };
      const bodies = writeBodies(WRITE_PROJECT_ID, measures, WRITES_PREPARED);
      // One of each before timing: answered without errors, and visible in a read through the owner.
      const [recorded, statements] = await counted(() => post(ours, bodies[0], headers));
      const cycle = await post(ours, bodies[3], headers);
      const readBack = (
        await post(owner, {
          query: `query($id: ID!) { projectFromOwner(id: $id) { pdsaCycles { title } measures { id points { date value } } } }`,
          variables: { id: WRITE_PROJECT_ID },
        })
      ).json.data?.projectFromOwner;
      const first = bodies[0]!.variables as { m: string; points: { date: string; value: number }[] };
      if (recorded.json.errors || recorded.json.data?.recordMeasurements?.written !== 1)
        failures.push(`d recordMeasurements: ${recorded.text.slice(0, 300)}`);
      else if (
        !readBack?.measures
          ?.find((m: { id: string }) => m.id === first.m)
          ?.points?.some(
            (p: { date: string; value: number }) =>
              p.date === first.points[0]!.date && p.value === first.points[0]!.value,
          )
      )
        failures.push("d recordMeasurements: the point is not in a read through the owner");
      if (cycle.json.errors || !cycle.json.data?.addPdsaCycle?.cycle?.number)
        failures.push(`d addPdsaCycle: ${cycle.text.slice(0, 300)}`);
      else if (!readBack?.pdsaCycles?.some((c: { title: string }) => c.title === "Bench cycle 3"))
        failures.push("d addPdsaCycle: the cycle is not in a read through the owner");
      add(
        "d",
        "ours",
        {
          kind: "autocannon-writes",
          url: ours,
          bodies: bodies.slice(4).map((b) => JSON.stringify(b)),
          headers,
          connections: connections.d,
          seconds: plan.seconds,
        },
        statements,
      );
    }
    if (failures.length > 0) {
      for (const f of failures) console.error(`wrong answer: ${f}`);
      return false;
    }

    const run = async (t: Target, seconds: number, amount?: number): Promise<LoadResult> => {
      const timed = amount !== undefined;
      const command = { ...t.command, seconds, ...(timed ? { amount } : {}) };
      const gw0 = t.pid ? procCpuMs(t.pid) : 0;
      const sub0 = process.cpuUsage();
      const sampler = t.pid
        ? setInterval(() => {
            const mb = procMb(t.pid!, "VmRSS");
            if (!(mb <= t.peakRssMb)) t.peakRssMb = mb;
          }, 200)
        : undefined;
      worker.child.stdin!.write(`${JSON.stringify(command)}\n`);
      const result = JSON.parse(await nextLine(worker, "the load worker")) as LoadResult;
      // Each write nudges the catalogue to harvest: let the last of those finish before the next target.
      if (t.scenario === "d") {
        await new Promise((r) => setTimeout(r, 300));
        await (deployment.partners.get(deployment.registry.catalogue().id)!.background as Harvester).idle();
      }
      clearInterval(sampler);
      if (timed) {
        const sub = process.cpuUsage(sub0);
        t.cpu.gateway += t.pid ? procCpuMs(t.pid) - gw0 : 0;
        t.cpu.subgraphs += (sub.user + sub.system) / 1000;
        t.cpu.requests += result.requests;
      }
      if (result.failures > 0)
        failures.push(`${t.scenario} ${t.via}: ${result.failures} failed requests under load (${result.firstFailure})`);
      return result;
    };
    // Each timed round is a fixed number of requests, sized from the warm-up's rate to last about
    // `plan.seconds`, at least two per connection: every request of a round completes in it.
    say(`warming up ${targets.length} targets (${plan.warmup} s each, not counted)`);
    const amounts = new Map<Target, number>();
    for (const t of targets) {
      const w = await run(t, plan.warmup);
      amounts.set(t, Math.max(2 * t.command.connections, Math.round(w.rps * plan.seconds)));
    }
    for (let r = 0; r < plan.rounds; r++) {
      say(`round ${r + 1} of ${plan.rounds}`);
      // Rotated each round, so that no target always runs right after the same neighbour.
      for (let i = 0; i < targets.length; i++) {
        const t = targets[(i + r) % targets.length]!;
        t.runs.push(await run(t, plan.seconds, amounts.get(t)!));
      }
    }

    const m = (t: Target | undefined, f: keyof LoadResult) => (t ? median(t.runs.map((x) => x[f] as number)) : NaN);
    const find = (s: string, via: string) => targets.find((t) => t.scenario === s && t.via === via);
    const refOf = (s: string) =>
      s === "a2"
        ? find("a", "direct")
        : find(s, s.startsWith("c") || s === "d" ? "ours" : s === "b" ? "direct-page" : "direct");
    const title: Record<string, string> = {
      c2: `c2: deep nested, a different project each request (${connections.c2} connections)`,
      d: `d: writes, 3 recordMeasurements : 1 addPdsaCycle (${connections.d} connections)`,
      a: `a: one project by id from its owner, projectFromOwner (${connections.a} connection)`,
      a2: `a2: the same through the catalogue's project(id), two hops (${connections.a2} connection)`,
      b: `b: search page, 20 items, ${pagePartners} partners (${connections.b} connections)`,
      c: `c: deep nested, 4 subgraphs (${connections.c} connections)`,
    };
    const rows: string[][] = [
      [
        "scenario",
        "via",
        "req/s",
        "p50 ms",
        "p99 ms",
        "CPU ms/req gw + subgraphs",
        "peak RSS MB",
        "statements/request",
        "req/s ÷ ref",
        "p50 ÷ ref",
      ],
    ];
    const perRequest = (ms: number, n: number) => (n > 0 ? (ms / n).toFixed(1) : "—");
    for (const t of targets) {
      const ref = refOf(t.scenario);
      rows.push([
        t === targets.find((x) => x.scenario === t.scenario) ? title[t.scenario]! : "",
        `${LABEL[t.via]}${t === ref ? " = ref" : ""}`,
        Math.round(m(t, "rps")).toString(),
        formatMs(m(t, "p50")),
        formatMs(m(t, "p99")),
        `${t.pid ? perRequest(t.cpu.gateway, t.cpu.requests) : "—"} + ${perRequest(t.cpu.subgraphs, t.cpu.requests)}`,
        Number.isFinite(t.peakRssMb) ? Math.round(t.peakRssMb).toString() : "—",
        statementsByKind(t.statements, kindOf, 1),
        formatRatio(m(t, "rps") / m(ref, "rps")),
        formatRatio(m(t, "p50") / m(ref, "p50")),
      ]);
    }
    printTable(rows);

    // The Done-when targets, each a ratio of this run, next to the committed baseline.
    const oursRss = gateways.get("ours")?.child.pid ? procMb(gateways.get("ours")!.child.pid!, "VmHWM") : NaN;
    const ratios: Record<string, number> = {};
    const goals: [string, string, number, string, (v: number) => boolean][] = [];
    const goal = (key: string, label: string, value: number, target: string, holds: (v: number) => boolean) => {
      if (!Number.isFinite(value)) return;
      ratios[key] = Number(value.toFixed(3));
      goals.push([key, label, value, target, holds]);
    };
    goal(
      "a_p50_vs_direct",
      "a: our p50 ÷ direct p50",
      m(find("a", "ours"), "p50") / m(find("a", "direct"), "p50"),
      "≤ 1.25",
      (v) => v <= 1.25,
    );
    goal(
      "a2_p50_vs_direct",
      "a2: our p50 via the catalogue's project(id) ÷ direct p50",
      m(find("a2", "ours"), "p50") / m(find("a", "direct"), "p50"),
      "(context)",
      () => true,
    );
    goal(
      "b_rps_vs_direct",
      "b: our req/s ÷ direct client req/s",
      m(find("b", "ours"), "rps") / m(find("b", "direct-page"), "rps"),
      "(context)",
      () => true,
    );
    goal(
      "c_rps_vs_hive",
      "c: our req/s ÷ Hive Gateway req/s",
      m(find("c", "ours"), "rps") / m(find("c", "hive"), "rps"),
      "≥ 1.00",
      (v) => v >= 1,
    );
    goal(
      "c_rps_vs_apollo",
      "c: our req/s ÷ default @apollo/gateway req/s",
      m(find("c", "ours"), "rps") / m(find("c", "apollo"), "rps"),
      "≥ 3.00",
      (v) => v >= 3,
    );
    goal(
      "c2_rps_vs_hive",
      "c2: our req/s ÷ Hive Gateway req/s",
      m(find("c2", "ours"), "rps") / m(find("c2", "hive"), "rps"),
      "(context)",
      () => true,
    );
    goal(
      "c2_rps_vs_apollo",
      "c2: our req/s ÷ default @apollo/gateway req/s",
      m(find("c2", "ours"), "rps") / m(find("c2", "apollo"), "rps"),
      "(context)",
      () => true,
    );
    const goalRows = [["target", "this run", "baseline", "goal", "holds"]];
    for (const [key, label, value, target, holds] of goals) {
      goalRows.push([
        label,
        formatRatio(value),
        formatRatio(baseline?.[key]),
        target,
        target === "(context)" ? "" : holds(value) ? "yes" : "no",
      ]);
    }
    if (Number.isFinite(oursRss))
      goalRows.push([
        "our gateway peak RSS (VmHWM), MB",
        Math.round(oursRss).toString(),
        "",
        "≤ 250",
        oursRss <= 250 ? "yes" : "no",
      ]);
    if (constantStatements !== undefined)
      goalRows.push([
        "statements per subgraph, page of 10 = page of 20",
        constantStatements ? "equal" : "differ",
        "",
        "equal",
        constantStatements ? "yes" : "no",
      ]);
    console.log("");
    printTable(goalRows);
    console.log(`ratios of this run (scripts/bench/baseline.json holds a full run's): ${JSON.stringify(ratios)}`);
    if (failures.length > 0) {
      for (const f of failures) console.error(`error: ${f}`);
      return false;
    }
    return true;
  } finally {
    await Promise.all([...gateways.values()].map(stop));
    worker.child.stdin!.end();
    await stop(worker);
    if (options.profileDir && existsSync(options.profileDir)) {
      // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: thread 0 is the gateway (1 is tsx's loader).
      for (const f of readdirSync(options.profileDir).filter(
        (f) => /\.0\.\d+\.cpuprofile$/.test(f) && !before.has(f),
      )) {
        console.log(
          `\nour gateway's CPU profile ${options.profileDir}/${f} after its ${oursReadyMs} ms start-up, top frames by self time:`,
        );
        printTable(summariseProfile(readFileSync(`${options.profileDir}/${f}`, "utf8"), 30, oursReadyMs));
      }
    }
    await deployment.close();
  }
}

// The gateway under more load than it can hold (ISSUE-11 item 2): 200 clients at once ask, for 30 s,
// for a page of about 0.5 MB (one project with 2 measures × 7,500 points, written through the API),
// half by national search (a plan's execution: catalogue, then the owner's _entities) and half by
// projectFromOwner (the single-fetch shortcut). The gateway runs in its own process as deployed
// (the compiled gateway/index.ts with lib/node-flags.ts: --max-old-space-size=160, the default admission
// settings), so its RSS is its own. It must survive, stay at or under 250 MB of RSS, and answer
// every request either completely and correctly or 503 with Retry-After; before admission control
// it died of "JavaScript heap out of memory" at 30-50 such clients.
//
// Figures are printed (counts, peak RSS, the admission's peaks). LOAD_CLIENTS, LOAD_SECONDS and
// LOAD_GATEWAY_ENV (JSON: extra settings for the gateway) change the run for measurements; CI runs
// the defaults.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Agent, request } from "node:http";
import { randomUUID } from "node:crypto";
import { startSystem, type TestSystem } from "../support/system.ts";
import { DEV_TOKEN_ISSUER } from "../../lib/auth/dev-tokens.ts";
import { registryFileFor, startProcess, type ServiceProcess } from "../support/processes.ts";
import { ensureBuilt } from "../support/build.ts";
import { loadConfig } from "../../lib/config.ts";

const CLIENTS = Number(process.env.LOAD_CLIENTS ?? 200);
const SECONDS = Number(process.env.LOAD_SECONDS ?? 30);
const MEASURES = 2;
const POINTS = 7500;
const WORD = "Overloadtest";

let sys: TestSystem;
let gateway: ServiceProcess;
let removeRegistry: () => void;
let projectId: string;

const dateOf = (i: number) => new Date(Date.UTC(2000, 0, 1 + i)).toISOString().slice(0, 10);
const valueOf = (m: number, i: number) => ((i * 37 + m * 11) % 1000) / 10;

const SEARCH = `query($q: String) { search(query: $q, filter: { kinds: [PROJECT] }) { edges { node { id ... on Project { measures { name points { date value } } } } } } }`;
const OWNER = `query($id: ID!) { projectFromOwner(id: $id) { id measures { name points { date value } } } }`;

beforeAll(async () => {
  // The partners bound their requests in flight as deployed (SUBGRAPH_MAX_INFLIGHT_REQUESTS).
  sys = await startSystem({
    only: (p) => p.id === "essex-cc" || p.kind === "catalogue",
    partnerMaxInflight: Number(process.env.LOAD_PARTNER_MAX_INFLIGHT ?? loadConfig({}).SUBGRAPH_MAX_INFLIGHT_REQUESTS),
  });
  const editor = await sys.token({ user: "olga", organisation: "essex-cc", roles: ["editor"] });
  const write = async (query: string, variables: Record<string, unknown>) => {
    const { body } = await sys.queryAs(editor, query, { ...variables, key: randomUUID() });
    expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
    return body.data;
  };
  const created = await write(
    `mutation($input: CreateProjectInput!, $key: String!) { createProject(input: $input, idempotencyKey: $key) { id } }`,
    {
      input: { title: `${WORD} falls audit`, aim: "Hold 7,500 days of data" },
    },
  );
  projectId = created.createProject.id;
  for (let m = 0; m < MEASURES; m++) {
    const added = await write(
      `mutation($p: ID!, $input: MeasureInput!, $key: String!) { addMeasure(projectId: $p, input: $input, idempotencyKey: $key) { measure { id } } }`,
      {
        p: projectId,
        input: { name: `Measure ${m}`, unit: "falls", improvement: "DECREASE" },
      },
    );
    const measureId = added.addMeasure.measure.id;
    for (let from = 0; from < POINTS; from += 1000) {
      const points = Array.from({ length: Math.min(1000, POINTS - from) }, (_, k) => ({
        date: dateOf(from + k),
        value: valueOf(m, from + k),
      }));
      await write(
        `mutation($p: ID!, $m: ID!, $points: [DataPointInput!]!, $key: String!) { recordMeasurements(projectId: $p, measureId: $m, points: $points, idempotencyKey: $key) { written } }`,
        {
          p: projectId,
          m: measureId,
          points,
        },
      );
    }
  }
  await write(`mutation($id: ID!, $key: String!) { publishProject(id: $id, idempotencyKey: $key) { id } }`, {
    id: projectId,
  });
  await sys.harvester.harvestAll();
  const registry = registryFileFor(sys.registry());
  removeRegistry = registry.remove;
  ensureBuilt();
  gateway = await startProcess(
    "gateway",
    "gateway/index.ts",
    {
      NODE_ENV: "production",
      // Production requires the issuer user tokens carry: the test system's tokens are development ones.
      AUTH_ISSUER: DEV_TOKEN_ISSUER,
      REGISTRY_FILE: registry.file,
      GATEWAY_PORT: "0",
      AUTH_JWT_SECRET: sys.keys.authSecret,
      GATEWAY_SIGNING_KEY: sys.keys.signingKey,
      GATEWAY_VERIFY_KEY: sys.keys.verifyKey,
      // One address sends everything: this is a test of memory, not of the per-client budget.
      RATE_LIMIT_REQUESTS: "0",
      // The partner and the catalogue run in this test's process, beside the 200 clients, on a shared
      // 2-core machine (load average ~10 while this runs). At the 3 s default some of their answers came
      // late (151 owner reads in one run; in another, 66 catalogue calls all at one moment, the test
      // process stalling), which the gateway rightly answers as PARTNER_UNAVAILABLE
      // (tests/integration/partner-failures.test.ts). At 15 s, a clean CI clone still saw 12 owner reads
      // time out at one moment early in the load (the test process stalling under its 200 clients'
      // 0.5 MB answers). This test is about the gateway's memory and what it answers, so its partners
      // get a deadline this process can keep.
      PARTNER_TIMEOUT_MS: "60000",
      ...(JSON.parse(process.env.LOAD_GATEWAY_ENV ?? "{}") as Record<string, string>),
    },
    60_000,
    // The compiled gateway, as deployed: its memory is what the bound is about. Through tsx the same
    // gateway peaked 40-45 MB higher (the loader's transformed sources), which was the test's margin.
    "compiled",
  );
}, 300_000);

afterAll(async () => {
  await gateway?.stop();
  removeRegistry?.();
  await sys?.close();
});

interface Answer {
  status: number;
  retryAfter?: string;
  text: string;
}

function post(agent: Agent, url: string, query: string, variables: Record<string, unknown>): Promise<Answer> {
  const payload = JSON.stringify({ query, variables });
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: res.headers["retry-after"],
            text: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

/** The project's measures exactly as written. */
function checkMeasures(measures: any[]): void {
  expect(measures).toHaveLength(MEASURES);
  measures.forEach((measure, m) => {
    expect(measure.name).toBe(`Measure ${m}`);
    expect(measure.points).toHaveLength(POINTS);
    measure.points.forEach((p: any, i: number) => {
      if (p.date !== dateOf(i) || p.value !== valueOf(m, i))
        throw new Error(`measure ${m} point ${i}: ${JSON.stringify(p)}`);
    });
  });
}

describe("200 clients asking for a 0.5 MB page through a gateway process", { timeout: 300_000 }, () => {
  it("survives under 250 MB of RSS and answers each request completely and correctly, or 503 with Retry-After", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
    const kinds = [
      { query: SEARCH, variables: { q: WORD }, measures: (body: any) => body.data.search.edges[0].node.measures },
      { query: OWNER, variables: { id: projectId }, measures: (body: any) => body.data.projectFromOwner.measures },
    ];
    // One answer of each kind, checked point by point: later answers must equal it byte for byte.
    const expected: string[] = [];
    for (const kind of kinds) {
      const first = await post(agent, gateway.url, kind.query, kind.variables);
      expect(first.status, first.text.slice(0, 500)).toBe(200);
      const body = JSON.parse(first.text);
      expect(body.errors).toBeUndefined();
      checkMeasures(kind.measures(body));
      expected.push(first.text);
    }
    const pageBytes = Buffer.byteLength(expected[0]!);
    expect(pageBytes).toBeGreaterThan(450_000);
    // What the page costs its partner, asked directly (printed: it sizes SUBGRAPH_MAX_INFLIGHT_REQUESTS).
    const direct: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const answer = await post(agent, sys.partners.get("essex-cc")!.url, OWNER, { id: projectId });
      expect(answer.status).toBe(200);
      direct.push(performance.now() - started);
    }
    const partnerMs = Math.round(direct.sort((a, b) => a - b)[2]!);

    const idleRss = gateway.rssMb();
    const counts = { complete: 0, refused: 0, other: 0 };
    const others: string[] = [];
    let peakRss = 0;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, gateway.rssMb() || 0)), 100);
    const until = Date.now() + SECONDS * 1000;
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        const kind = c % 2;
        while (Date.now() < until) {
          let answer: Answer;
          try {
            answer = await post(agent, gateway.url, kinds[kind]!.query, kinds[kind]!.variables);
          } catch (e) {
            counts.other++;
            if (others.length < 5) others.push(`transport: ${(e as Error).message}`);
            if (gateway.child.exitCode !== null) return;
            continue;
          }
          if (answer.status === 200 && answer.text === expected[kind]) counts.complete++;
          else if (
            answer.status === 503 &&
            answer.retryAfter &&
            JSON.parse(answer.text).errors?.[0]?.extensions?.code === "OVERLOADED"
          ) {
            counts.refused++;
            // Less patient than Retry-After asks, so that the pressure stays on.
            await new Promise((r) => setTimeout(r, Math.random() * 200));
          } else {
            counts.other++;
            if (others.length < 5)
              others.push(
                `at ${Math.round((Date.now() - until) / 1000 + SECONDS)} s: ${answer.status} ${answer.retryAfter ?? ""} ${answer.text.slice(0, 300)}`,
              );
          }
        }
      }),
    );
    clearInterval(sampler);
    agent.destroy();
    const health = await fetch(gateway.url.replace(/\/graphql$/, "/health"))
      .then((r) => r.json() as Promise<any>)
      .catch(() => ({}));
    // A gateway out of memory may still be writing its last words.
    if (!health.admission) await new Promise((r) => setTimeout(r, 3000));
    const died = gateway.child.exitCode !== null || gateway.child.signalCode !== null;
    const peak = Math.max(peakRss, gateway.peakRssMb());
    console.log(
      `gateway overload: ${CLIENTS} clients × ${SECONDS} s, page ${pageBytes} bytes (${partnerMs} ms from its partner, alone): complete ${counts.complete}, 503 ${counts.refused}, other ${counts.other}; ` +
        `peak RSS ${Math.round(peak)} MB (${Math.round(idleRss)} before the load); admission ${JSON.stringify(health.admission)}${others.length ? `; others: ${others.join(" | ")}` : ""}`,
    );
    const failures = gateway.logs.filter((l) => typeof l.msg === "string" && /unavailable/.test(l.msg as string));
    if (failures.length)
      console.log(`gateway's partner failures: ${failures.length}, first: ${JSON.stringify(failures.slice(0, 3))}`);
    expect(died, `the gateway died: ${gateway.stderr().slice(-1500)}`).toBe(false);
    expect(others).toEqual([]);
    expect(counts.other).toBe(0);
    expect(counts.complete).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(250);
  });
});

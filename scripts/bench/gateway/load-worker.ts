// The gateway bench's load generator, a separate process so that it never shares an event loop
// with what it measures. It reads one JSON command per line on stdin and answers one JSON line on
// stdout: autocannon against one URL (every body compared with the expected one), or the scripted
// direct client of the search page (direct-page.ts) in closed loops. Latencies are recorded to the
// microsecond here (autocannon's own histogram rounds to whole milliseconds).
import { createInterface } from "node:readline";
import { Agent } from "node:http";
import autocannon from "autocannon";
import { directPage, poster } from "./direct-page.ts";
import { percentile } from "./stats.ts";

// A run lasts `seconds` (warm-up: whatever is in flight at the end is dropped) or, when `amount`
// is given, exactly that many requests, every one of them completed (timed rounds: so that CPU
// time and statements can be divided by the requests that caused them).
export type LoadCommand = { connections: number; seconds: number; amount?: number } & (
  | { kind: "autocannon"; url: string; body: string; expectBody: string }
  // Several bodies, taken in turn across all connections (so that no two concurrent requests
  // need be the same), each answer compared with its own body's expected answer.
  | { kind: "autocannon-varied"; url: string; bodies: string[]; expectBodies: string[] }
  // Writes: each body once (distinct idempotency keys), with the caller's headers; an answer is
  // right when it is a 200 with data and no errors (each write's answer names what it created).
  | { kind: "autocannon-writes"; url: string; bodies: string[]; headers: Record<string, string> }
  | { kind: "page"; urls: Record<string, string>; catalogue: string; first: number; expect: string }
);

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  /** Transport errors, timeouts, non-2xx answers and bodies other than the expected one. */
  failures: number;
  firstFailure?: string;
}

function summarise(latencies: number[], seconds: number, failures: number, firstFailure?: string): LoadResult {
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    seconds,
    rps: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    failures,
    ...(firstFailure ? { firstFailure } : {}),
  };
}

function runAutocannon(c: Extract<LoadCommand, { kind: "autocannon" }>): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    let firstFailure: string | undefined;
    const started = performance.now();
    const instance = autocannon(
      {
        url: c.url,
        method: "POST",
        headers: { "content-type": "application/json" },
        body: c.body,
        expectBody: c.expectBody,
        connections: c.connections,
        ...(c.amount ? { amount: c.amount } : { duration: c.seconds }),
      },
      (err, result) => {
        if (err) return reject(err);
        const seconds = (performance.now() - started) / 1000;
        const failures = result.errors + result.timeouts + result.non2xx + result.mismatches;
        resolve(
          summarise(
            latencies,
            seconds,
            failures,
            firstFailure ?? (result.errors ? `${result.errors} transport errors` : undefined),
          ),
        );
      },
    );
    instance.on("response", (_client: unknown, status: number, _bytes: number, ms: number) => {
      if (status >= 200 && status < 300) latencies.push(ms);
      else firstFailure ??= `HTTP ${status}`;
    });
    instance.on("reqMismatch", (body: string) => (firstFailure ??= `unexpected body: ${String(body).slice(0, 300)}`));
  });
}

function runVaried(c: Extract<LoadCommand, { kind: "autocannon-varied" }>): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    let failures = 0;
    let firstFailure: string | undefined;
    let next = 0;
    const started = performance.now();
    const request = {
      method: "POST",
      headers: { "content-type": "application/json" },
      setupRequest: (req: Record<string, unknown>, context: { i?: number }) => {
        context.i = next++ % c.bodies.length;
        return { ...req, body: c.bodies[context.i] };
      },
      onResponse: (status: number, body: string, context: { i?: number }) => {
        if (status >= 200 && status < 300 && body === c.expectBodies[context.i!]) return;
        failures++;
        firstFailure ??= `HTTP ${status}, unexpected body: ${String(body).slice(0, 300)}`;
      },
    };
    const instance = autocannon(
      {
        url: c.url,
        requests: [request],
        connections: c.connections,
        ...(c.amount ? { amount: c.amount } : { duration: c.seconds }),
      },
      (err, result) => {
        if (err) return reject(err);
        const seconds = (performance.now() - started) / 1000;
        resolve(
          summarise(
            latencies,
            seconds,
            failures + result.errors + result.timeouts,
            firstFailure ?? (result.errors ? `${result.errors} transport errors` : undefined),
          ),
        );
      },
    );
    instance.on("response", (_client: unknown, status: number, _bytes: number, ms: number) => {
      if (status >= 200 && status < 300) latencies.push(ms);
    });
  });
}

function runWrites(c: Extract<LoadCommand, { kind: "autocannon-writes" }>): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    let failures = 0;
    let firstFailure: string | undefined;
    const started = performance.now();
    const request = {
      method: "POST",
      headers: { "content-type": "application/json", ...c.headers },
      setupRequest: (req: Record<string, unknown>) => {
        const body = c.bodies[nextWrite++];
        if (body === undefined) throw new Error(`the bench prepared ${c.bodies.length} writes and needs more`);
        return { ...req, body };
      },
      onResponse: (status: number, body: string) => {
        let ok: boolean;
        try {
          const parsed = JSON.parse(body) as { data?: unknown; errors?: unknown };
          ok = status === 200 && !!parsed.data && !parsed.errors;
        } catch {
          ok = false;
        }
        if (ok) return;
        failures++;
        firstFailure ??= `HTTP ${status}: ${String(body).slice(0, 300)}`;
      },
    };
    const instance = autocannon(
      {
        url: c.url,
        requests: [request],
        connections: c.connections,
        ...(c.amount ? { amount: c.amount } : { duration: c.seconds }),
      },
      (err, result) => {
        if (err) return reject(err);
        const seconds = (performance.now() - started) / 1000;
        resolve(
          summarise(
            latencies,
            seconds,
            failures + result.errors + result.timeouts,
            firstFailure ?? (result.errors ? `${result.errors} transport errors` : undefined),
          ),
        );
      },
    );
    instance.on("response", (_client: unknown, status: number, _bytes: number, ms: number) => {
      if (status >= 200 && status < 300) latencies.push(ms);
    });
  });
}
/** Writes are never repeated across runs: the next unused body, for the whole life of the worker. */
let nextWrite = 0;

async function runPage(c: Extract<LoadCommand, { kind: "page" }>): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: c.connections });
  const post = poster(agent);
  const latencies: number[] = [];
  let failures = 0;
  let firstFailure: string | undefined;
  const started = performance.now();
  const until = started + c.seconds * 1000;
  let left = c.amount ?? Infinity;
  await Promise.all(
    Array.from({ length: c.connections }, async () => {
      while (c.amount ? left-- > 0 : performance.now() < until) {
        const t0 = performance.now();
        try {
          const answer = JSON.stringify(await directPage(post, c.urls, c.catalogue, c.first));
          if (answer !== c.expect) throw new Error(`unexpected answer: ${answer.slice(0, 300)}`);
          latencies.push(performance.now() - t0);
        } catch (e) {
          failures++;
          firstFailure ??= (e as Error).message;
        }
      }
    }),
  );
  agent.destroy();
  return summarise(latencies, (performance.now() - started) / 1000, failures, firstFailure);
}

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) continue;
  const command = JSON.parse(line) as LoadCommand;
  const result =
    command.kind === "autocannon"
      ? await runAutocannon(command)
      : command.kind === "autocannon-varied"
        ? await runVaried(command)
        : command.kind === "autocannon-writes"
          ? await runWrites(command)
          : await runPage(command);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

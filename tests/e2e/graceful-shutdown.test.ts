// SIGTERM under load cuts no request (ISSUE-11 item 4). Each service runs in its own process, as
// deployed (lib/node-flags.ts, its index.ts), with requests in flight when it is told to stop:
// - the gateway, with 24 requests waiting on a partner that answers after a delay (half by the
//   single-fetch shortcut, half by a plan's execution) and an idle keep-alive socket open;
// - a projects partner, with 12 requests whose bodies are still arriving.
// Every one of them must be answered completely; a new connection after the signal must be refused
// (the service stopped accepting); the process must exit 0 within its drain deadline
// (SHUTDOWN_GRACE_MS), the idle socket notwithstanding. Before, close() cut every connection at once
// (socket hang up).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Agent, createServer, request, type Server } from "node:http";
import { connect } from "node:net";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSystem, type TestSystem } from "../support/system.ts";
import { DEV_TOKEN_ISSUER } from "../../lib/auth/dev-tokens.ts";
import { registryFileFor, startProcess } from "../support/processes.ts";
import { DEFAULT_REGISTRY_FILE } from "../../lib/registry/registry.ts";

const GRACE_MS = 8000;
const PARTNER_DELAY_MS = 1500;

let sys: TestSystem;
let proxy: Server;
let proxyUrl: string;
let pending = 0;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  sys = await startSystem({ only: (p) => p.id === "essex-cc" || p.kind === "catalogue" });
  const target = new URL(sys.partners.get("essex-cc")!.url);
  // The partner as the gateway sees it: every answer PARTNER_DELAY_MS late.
  proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      pending++;
      setTimeout(() => {
        const forward = request(target, { method: req.method, headers: req.headers }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          answer.on("end", () => pending--);
        });
        forward.end(Buffer.concat(chunks));
      }, PARTNER_DELAY_MS);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/graphql`;
}, 180_000);

afterAll(async () => {
  for (const c of cleanups) c();
  proxy?.closeAllConnections();
  proxy?.close();
  await sys?.close();
});

interface Answer {
  status: number;
  text: string;
}

function post(url: string, body: string, agent: Agent | false): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** Whether a new TCP connection to the URL's port is refused. */
function refusesConnections(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(true));
  });
}

async function until(condition: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("SIGTERM with requests in flight", { timeout: 180_000 }, () => {
  it("the gateway finishes every in-flight request, refuses new connections, and exits within its deadline", async () => {
    const { body } = await sys.query(`{ search(filter: { kinds: [PROJECT] }, first: 3) { edges { node { id } } } }`);
    const ids: string[] = body.data.search.edges
      .map((e: any) => e.node.id)
      .filter((id: string) => id.startsWith("essex-cc:"));
    expect(ids.length).toBeGreaterThan(0);
    const registry = registryFileFor(sys.registry().withUrls({ "essex-cc": proxyUrl }));
    cleanups.push(registry.remove);
    const gateway = await startProcess("gateway", "gateway/index.ts", {
      NODE_ENV: "production",
      // Production requires the issuer user tokens carry: the test system's tokens are development ones.
      AUTH_ISSUER: DEV_TOKEN_ISSUER,
      REGISTRY_FILE: registry.file,
      GATEWAY_PORT: "0",
      AUTH_JWT_SECRET: sys.keys.authSecret,
      GATEWAY_SIGNING_KEY: sys.keys.signingKey,
      GATEWAY_VERIFY_KEY: sys.keys.verifyKey,
      RATE_LIMIT_REQUESTS: "0",
      SHUTDOWN_GRACE_MS: String(GRACE_MS),
    });
    const owner = (id: string) =>
      JSON.stringify({ query: `query($id: ID!) { projectFromOwner(id: $id) { id title } }`, variables: { id } });
    const page = JSON.stringify({
      query: `{ search(filter: { kinds: [PROJECT] }, first: 3) { edges { node { id ... on Project { aim } } } } }`,
    });
    // One request first, on a kept-alive socket that then sits idle through the stop.
    const idle = new Agent({ keepAlive: true });
    const first = await post(gateway.url, owner(ids[0]!), idle);
    expect(first.status, first.text).toBe(200);
    const expectedOwner = first.text;
    const expectedPage = (await post(gateway.url, page, false)).text;
    expect(JSON.parse(expectedPage).errors).toBeUndefined();

    const before = pending;
    const inflight = Array.from({ length: 24 }, (_, i) =>
      post(gateway.url, i % 2 ? page : owner(ids[0]!), false).catch((e: Error) => ({ status: 0, text: e.message })),
    );
    // All of them are in the gateway, waiting on the (slow) partner: the 12 owner reads each have
    // their own call there, the 12 search pages share theirs (identical reads in flight share one).
    await until(() => pending - before >= 13, 10_000);
    const stopped = gateway.stop("SIGTERM");
    await new Promise((r) => setTimeout(r, 300));
    expect(await refusesConnections(gateway.url)).toBe(true);
    const answers = await Promise.all(inflight);
    const { code, ms } = await stopped;
    console.log(
      `gateway: SIGTERM with 24 requests in flight: exited ${code} after ${ms} ms (deadline ${GRACE_MS}); answers ${answers.map((a) => a.status).join(",")}`,
    );
    answers.forEach((a, i) => expect(a.text, `request ${i}`).toBe(i % 2 ? expectedPage : expectedOwner));
    expect(code).toBe(0);
    expect(ms).toBeLessThan(GRACE_MS);
    expect(gateway.logs.some((l) => l.msg === "drained")).toBe(true);
    idle.destroy();
  });

  it("a partner finishes every in-flight request, refuses new connections, and exits within its deadline", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "drain-"));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const partner = await startProcess("projects", "subgraphs/projects/index.ts", {
      NODE_ENV: "test",
      PARTNER_ID: "essex-cc",
      PORT: "0",
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      REGISTRY_FILE: DEFAULT_REGISTRY_FILE,
      GATEWAY_VERIFY_KEY: sys.keys.verifyKey,
      SUBGRAPH_UNSIGNED: "read-only",
      SEED: "true",
      SHUTDOWN_GRACE_MS: String(GRACE_MS),
    });
    const query = JSON.stringify({
      query: `{ projectFromOwner(id: "essex-cc:project:care-home-hydration") { id title measures { name points { date value } } } }`,
    });
    const expected = (await post(partner.url, query, false)).text;
    expect(JSON.parse(expected).data.projectFromOwner.id).toBe("essex-cc:project:care-home-hydration");
    // Twelve requests whose headers and half their body have arrived: in flight when the signal comes.
    const { hostname, port } = new URL(partner.url);
    const half = Math.floor(query.length / 2);
    const sockets = await Promise.all(
      Array.from(
        { length: 12 },
        () =>
          new Promise<{ rest: () => void; answer: Promise<string> }>((resolve, reject) => {
            const socket = connect(Number(port), hostname);
            let received = "";
            const answer = new Promise<string>((done) => {
              socket.on("data", (d) => (received += String(d)));
              socket.on("close", () => done(received));
              socket.on("error", () => done(received));
            });
            socket.once("error", reject);
            socket.once("connect", () => {
              socket.write(
                `POST /graphql HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(query)}\r\n\r\n${query.slice(0, half)}`,
              );
              resolve({ rest: () => socket.write(query.slice(half)), answer });
            });
          }),
      ),
    );
    await new Promise((r) => setTimeout(r, 300));
    const stopped = partner.stop("SIGTERM");
    await new Promise((r) => setTimeout(r, 300));
    expect(await refusesConnections(partner.url)).toBe(true);
    for (const s of sockets) s.rest();
    const answers = await Promise.all(sockets.map((s) => s.answer));
    const { code, ms } = await stopped;
    console.log(`partner: SIGTERM with 12 requests in flight: exited ${code} after ${ms} ms (deadline ${GRACE_MS})`);
    for (const raw of answers) {
      expect(raw.split("\r\n")[0]).toBe("HTTP/1.1 200 OK");
      // A drained response tells the client the connection closes after it.
      expect(raw).toMatch(/\r\nConnection: close\r\n/i);
      const body = raw.slice(raw.indexOf("\r\n\r\n") + 4);
      expect(body).toBe(expected);
    }
    expect(code).toBe(0);
    expect(ms).toBeLessThan(GRACE_MS);
  });
});

// The partner client's fast path, introduced by the gateway bench (scripts/bench/gateway): calls go
// over kept-alive sockets, identical reads in flight share one call (each caller still gets its
// own objects), writes never share, and failures keep their reasons and messages.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { callPartner, PartnerCallError } from "../../lib/partner-client.ts";
import { Admission, AdmissionRefused } from "../../lib/admission.ts";

let server: Server;
let url: string;
let calls = 0;
let connections = 0;
const delayMs = 50;

beforeAll(async () => {
  server = createServer((req, res) => {
    calls++;
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      if (body.query === "hang") return;
      setTimeout(() => {
        res.writeHead(body.query === "not-graphql" ? 502 : 200, { "content-type": "application/json" });
        res.end(
          body.query === "not-graphql"
            ? "<html>bad gateway</html>"
            : JSON.stringify({ data: { echo: body.variables ?? null, auth: req.headers.authorization ?? null } }),
        );
      }, delayMs);
    });
  });
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("callPartner", () => {
  it("shares one call among identical reads in flight, each caller with its own copy", async () => {
    calls = 0;
    const body = { query: "{ echo }", variables: { n: 1 } };
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => callPartner(url, body, 2000, {}, { shareInflight: true })),
    );
    expect(calls).toBe(1);
    for (const a of answers) expect(a).toEqual({ data: { echo: { n: 1 }, auth: null } });
    expect(answers[0]).not.toBe(answers[1]);
    expect(answers[0]!.data).not.toBe(answers[1]!.data);
    // Once answered, the next identical read is a new call.
    await callPartner(url, body, 2000, {}, { shareInflight: true });
    expect(calls).toBe(2);
  });

  it("never shares without the option (writes), nor between different headers or bodies", async () => {
    calls = 0;
    const body = { query: "{ echo }", variables: { n: 2 } };
    await Promise.all([
      callPartner(url, body, 2000),
      callPartner(url, body, 2000),
      callPartner(url, body, 2000, { authorization: "Bearer a" }, { shareInflight: true }),
      callPartner(url, body, 2000, { authorization: "Bearer b" }, { shareInflight: true }),
      callPartner(url, { ...body, variables: { n: 3 } }, 2000, { authorization: "Bearer b" }, { shareInflight: true }),
    ]);
    expect(calls).toBe(5);
  });

  it("keeps sockets alive between calls", async () => {
    await callPartner(url, { query: "{ echo }" }, 2000);
    const before = connections;
    for (let i = 0; i < 5; i++) await callPartner(url, { query: "{ echo }" }, 2000);
    expect(connections).toBe(before);
  });

  it("keeps its failure reasons: timeout, unreachable, bad response", async () => {
    const started = performance.now();
    await expect(callPartner(url, { query: "hang" }, 150)).rejects.toMatchObject({
      reason: "timeout",
      message: "no answer within 150 ms",
    });
    await expect(callPartner(url, { query: "hang" }, 150, {}, { deadline: "read" })).rejects.toMatchObject({
      message: "no answer within the read deadline of 150 ms",
    });
    expect(performance.now() - started).toBeLessThan(1000);
    await expect(callPartner(url, { query: "not-graphql" }, 2000)).rejects.toMatchObject({
      reason: "bad_response",
      message: "answered HTTP 502 without a GraphQL body",
    });
    const refused = callPartner("http://127.0.0.1:1/graphql", { query: "{ echo }" }, 2000);
    await expect(refused).rejects.toBeInstanceOf(PartnerCallError);
    // The socket's words name the address: they are kept for the log, never in the message.
    await expect(refused).rejects.toMatchObject({
      reason: "unreachable",
      message: "unreachable (no connection)",
      detail: "connect ECONNREFUSED 127.0.0.1:1",
    });
  });

  it("charges each answer's bytes to the caller's budget, and abandons a call the budget cannot hold", async () => {
    const body = { query: "{ echo }", variables: { n: 4 } };
    const size = Buffer.byteLength(JSON.stringify({ data: { echo: { n: 4 }, auth: null } }));
    const admission = new Admission({ maxInflightBytes: 10 * size, maxResponseBytes: 0 });
    const ticket = admission.admit()!;
    await callPartner(url, body, 2000, {}, { budget: ticket });
    expect(ticket.bytes).toBe(size);
    // Sharers are charged too: each parses its own copy of the answer.
    const sharers = [admission.admit()!, admission.admit()!];
    await Promise.all(sharers.map((t) => callPartner(url, body, 2000, {}, { shareInflight: true, budget: t })));
    expect(sharers.map((t) => t.bytes)).toEqual([size, size]);
    expect(admission.stats().inflightBytes).toBe(3 * size);
    const full = new Admission({ maxInflightBytes: size - 1, maxResponseBytes: 0 }).admit()!;
    await expect(callPartner(url, body, 2000, {}, { budget: full })).rejects.toBeInstanceOf(AdmissionRefused);
    expect(full.overloaded).toBe(true);
    expect(full.bytes).toBe(0);
    for (const t of [ticket, ...sharers]) t.release();
    expect(admission.stats()).toMatchObject({ inflightRequests: 0, inflightBytes: 0 });
  });
});

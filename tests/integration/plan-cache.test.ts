// The gateway's caches key on the normalised document: the same query with another comment or other
// whitespace is not planned, validated or judged again. And planning is budgeted per client: one
// sending new documents is refused (429, Retry-After) while another's requests are served.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IncomingMessage } from "node:http";
import { startSystem, type TestSystem } from "../support/system.ts";

let sys: TestSystem;
beforeAll(async () => {
  sys = await startSystem({ only: (p) => ["national-catalogue", "essex-cc"].includes(p.id) });
}, 120_000);
afterAll(async () => {
  await sys?.close();
});

const PROJECT = "essex-cc:project:post-falls-huddles";
const ACCEPT = "application/graphql-response+json, application/json;q=0.9";

async function post(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  const started = performance.now();
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: ACCEPT, ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any, ms: performance.now() - started };
}

describe("caches keyed by the normalised document", () => {
  it("plans a query once, whatever its comments and whitespace", async () => {
    // project(id) plans two fetches (the catalogue, then the owner): Apollo's path, not the shortcut's.
    const query = `query P($id: ID!) { project(id: $id) { id title aim measures { name } } }`;
    const first = await post(sys.gatewayUrl, query, { id: PROJECT });
    expect(first.body.errors).toBeUndefined();
    const { plans, documents } = sys.gateway.caches;
    const before = { ...plans.counts, documents: documents.size };
    const variant = `# the project page, again\nquery P( $id: ID! ) {\n  project(id: $id) {\n    id title # its name\n    aim\n    measures { name }\n  }\n}\n`;
    const second = await post(sys.gatewayUrl, variant, { id: PROJECT });
    expect(second.body).toEqual(first.body);
    expect(plans.counts.planned).toBe(before.planned);
    expect(plans.counts.hits).toBe(before.hits + 1);
    expect(documents.size).toBe(before.documents);
    // A different query is planned.
    await post(sys.gatewayUrl, query.replace("aim", "summary"), { id: PROJECT });
    expect(plans.counts.planned).toBe(before.planned + 1);
  });

  it("judges a single-fetch document once for the shortcut, whatever its comments", async () => {
    const query = `query One($id: ID!) { projectFromOwner(id: $id) { id title } }`;
    // Planned by Apollo, then judged by the shortcut (which answers only planned documents).
    await post(sys.gatewayUrl, query, { id: PROJECT });
    await post(sys.gatewayUrl, query, { id: PROJECT });
    const shortcut = sys.gateway.shortcut!;
    const before = { ...shortcut.counts };
    const again = await post(sys.gatewayUrl, `# hello\n${query.replaceAll(" ", "\n  ")}`, { id: PROJECT });
    expect(again.body.data.projectFromOwner.id).toBe(PROJECT);
    expect(shortcut.counts.judged).toBe(before.judged);
    expect(shortcut.counts.answered).toBe(before.answered + 1);
  });

  it("refuses a client over its planning budget with 429 and Retry-After, while another client is served", async () => {
    const gateway = await sys.startGateway({
      edge: { PLANNING_BUDGET_MS: 20 },
      keyOf: (req: IncomingMessage) => String(req.headers["x-client"] ?? "none"),
    });
    const greedy = { "x-client": "greedy" };
    const known = `query K($id: ID!) { project(id: $id) { id title } }`;
    expect((await post(gateway.url, known, { id: PROJECT }, greedy)).status).toBe(200);
    // Unique documents (a new alias each time): each is planned, until the budget is spent.
    let refused: Awaited<ReturnType<typeof post>> | undefined;
    let planned = 0;
    for (let i = 0; i < 200 && !refused; i++) {
      const answer = await post(
        gateway.url,
        `query U($id: ID!) { project(id: $id) { id a${i}: title } }`,
        { id: PROJECT },
        greedy,
      );
      if (answer.status === 429) refused = answer;
      else planned++;
    }
    console.log(`greedy client refused after ${planned} new documents`);
    expect(refused, "the greedy client was never refused").toBeDefined();
    expect(Number(refused!.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(refused!.body.errors[0].extensions).toMatchObject({ code: "PLANNING_BUDGET_EXCEEDED", limit: 20 });
    expect(refused!.body.errors[0].message).toMatch(/Planning budget exceeded: 20 ms of query planning per 60 s/);
    // Once refused, its new documents cost no planning at all, while another client is served.
    const plannedBefore = gateway.caches.plans.counts.planned;
    const otherMs: number[] = [];
    const [burst] = await Promise.all([
      Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          post(gateway.url, `query B($id: ID!) { project(id: $id) { id b${i}: title } }`, { id: PROJECT }, greedy),
        ),
      ),
      (async () => {
        for (let i = 0; i < 10; i++)
          otherMs.push((await post(gateway.url, known, { id: PROJECT }, { "x-client": "other" })).ms);
      })(),
    ]);
    expect(burst.map((a) => a.status)).toEqual(burst.map(() => 429));
    expect(gateway.caches.plans.counts.planned).toBe(plannedBefore);
    otherMs.sort((a, b) => a - b);
    console.log(`another client's median during the refused burst: ${otherMs[5]!.toFixed(1)} ms`);
    // Its documents already planned are still served; so is another client's new document.
    expect((await post(gateway.url, known, { id: PROJECT }, greedy)).status).toBe(200);
    const other = await post(
      gateway.url,
      `query O($id: ID!) { project(id: $id) { id other: title } }`,
      { id: PROJECT },
      { "x-client": "other" },
    );
    expect(other.status).toBe(200);
    expect(other.body.data.project.other).toEqual(expect.any(String));
  });
});

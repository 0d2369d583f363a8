// A partner's own limits (lib/limits/partner.ts), which hold for a request straight to the partner
// whether the gateway signed it or not, and the actual-cost cap at the partner and at the gateway:
// an answer whose real lists make it costlier than the cap is refused, not sent.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSystem, type TestSystem } from "../support/system.ts";
import { startOnePartner } from "../support/one-partner.ts";
import { projectsService } from "../../subgraphs/projects/server.ts";
import type { PrismaClient } from "../../subgraphs/projects/generated/prisma/client.ts";
import type { ProjectsContext } from "../../subgraphs/projects/context.ts";
import type { Identity } from "../../lib/auth/identity.ts";

const ACCEPT = "application/graphql-response+json, application/json;q=0.9";
const PROJECT = "essex-cc:project:post-falls-huddles";
const GATEWAY: Identity = { kind: "anonymous" };

let sys: TestSystem;
beforeAll(async () => {
  sys = await startSystem({ only: (p) => ["national-catalogue", "essex-cc", "bridgewater"].includes(p.id) });
}, 120_000);
afterAll(async () => {
  await sys?.close();
});

async function post(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: ACCEPT, ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: JSON.parse(text) as any };
}

const ENTITIES = (selection: string) =>
  `query($r: [_Any!]!) { _entities(representations: $r) { ... on Project { ${selection} } } }`;
const reps = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ __typename: "Project", id: i === 0 ? PROJECT : `essex-cc:project:p${i}` }));

/** Adds `n` daily points to the project's first measure, straight into the partner's database. */
async function addPoints(
  db: { sql: { query: (sql: string, params?: unknown[]) => Promise<unknown> } },
  n: number,
): Promise<void> {
  const [measure] = (await db.sql.query(
    `SELECT id FROM "Measure" WHERE "projectLocal" = 'post-falls-huddles' ORDER BY position LIMIT 1`,
  )) as { id: string }[];
  const dates = Array.from({ length: n }, (_, i) => new Date(Date.UTC(1950, 0, 1 + i)).toISOString().slice(0, 10));
  await db.sql.query(
    `INSERT INTO "DataPoint" ("measureId", date, value) SELECT $1, d, 1 FROM unnest($2::date[]) AS d`,
    [measure!.id, dates],
  );
}

describe("a partner's own limits, without a gateway signature", () => {
  it("refuses 200 _entities representations each asking for every measure's chart, at once and in a few bytes", async () => {
    const url = sys.partners.get("essex-cc")!.url;
    const started = performance.now();
    const { status, body, text } = await post(url, ENTITIES("measures { chart }"), { r: reps(200) });
    const ms = performance.now() - started;
    console.log(`200 representations × chart: HTTP ${status}, ${text.length} bytes in ${Math.round(ms)} ms`);
    expect(status).toBe(400);
    expect(body.data).toBeUndefined();
    // 200 × (1 + 10 measures × chart 6,000)
    expect(body.errors[0]).toMatchObject({
      extensions: { code: "QUERY_TOO_COMPLEX", limit: 250_000, actual: 1 + 200 * (1 + 10 * 6000) },
    });
    expect(text.length).toBeLessThan(2000);
    expect(ms).toBeLessThan(2000);
  });

  it("refuses what the gateway would refuse: five aliased charts of each measure, asked directly", async () => {
    const query = `{ projectFromOwner(id: "${PROJECT}") { measures { a: chart b: chart c: chart d: chart e: chart } } }`;
    const { status, body } = await post(sys.partners.get("essex-cc")!.url, query);
    expect(status).toBe(400);
    expect(body.errors[0].extensions).toMatchObject({ code: "QUERY_TOO_COMPLEX", limit: 250_000, actual: 300_002 });
  });

  it("refuses more _entities representations than its cap, whatever they ask for", async () => {
    const { status, body } = await post(sys.partners.get("essex-cc")!.url, ENTITIES("id"), { r: reps(1001) });
    expect(status).toBe(400);
    expect(body.errors[0].message).toMatch(/asks for 1001 _entities representations; the limit is 1000 per request/);
    expect(body.errors[0].extensions).toMatchObject({ code: "TOO_MANY_ENTITIES", limit: 1000, actual: 1001 });
  });

  it("still answers the gateway's own batches: a signed page of entities, and a page of 100 through the gateway", async () => {
    const headers = await sys.signer.headers(GATEWAY, "essex-cc");
    const signed = await post(
      sys.partners.get("essex-cc")!.url,
      ENTITIES("title measures { name }"),
      { r: reps(100) },
      headers,
    );
    expect(signed.status).toBe(200);
    expect(signed.body.errors).toBeUndefined();
    expect(signed.body.data._entities).toHaveLength(100);
    expect(signed.body.data._entities[0].title).toEqual(expect.any(String));
    const page = await sys.query(
      `{ search(first: 100) { edges { node { id title ... on Project { aim measures { name unit } } } } } }`,
    );
    expect(page.status).toBe(200);
    expect(page.body.errors).toBeUndefined();
    expect(page.body.data.search.edges.length).toBeGreaterThanOrEqual(5);
  });
});

describe("a partner with a small budget", () => {
  let partner: Awaited<ReturnType<typeof startOnePartner<PrismaClient, ProjectsContext>>>;
  beforeAll(async () => {
    partner = await startOnePartner(projectsService, {
      partner: "essex-cc",
      keys: sys.keys,
      limits: { PARTNER_RATE_LIMIT_REQUESTS: 5, PARTNER_RATE_LIMIT_WINDOW_MS: 60_000, PARTNER_MAX_QUERY_COST: 5000 },
    });
  }, 60_000);
  afterAll(async () => {
    await partner?.close();
  });

  it("answers an unsigned caller over its rate budget 429 with Retry-After (charts by URL too), and the gateway's signed forwards still", async () => {
    const read = ENTITIES("title measures { chartUrl }");
    let chartUrl = "";
    for (let i = 0; i < 5; i++) {
      const answer = await post(partner.url, read, { r: reps(1) });
      expect(answer.status).toBe(200);
      chartUrl = answer.body.data._entities[0].measures[0].chartUrl;
    }
    const over = await post(partner.url, read, { r: reps(1) });
    expect(over.status).toBe(429);
    expect(Number(over.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(over.body.errors[0]).toMatchObject({ extensions: { code: "RATE_LIMITED" } });
    expect(over.body.errors[0].message).toMatch(/Rate limit exceeded: 5 requests per 60 s/);
    // The chart's URL names the registry's address; this partner listens on its own port.
    const chart = await fetch(new URL(new URL(chartUrl).pathname, partner.url));
    expect(chart.status).toBe(429);
    expect(chart.headers.get("retry-after")).toEqual(expect.any(String));
    const signed = await post(partner.url, read, { r: reps(1) }, await sys.signer.headers(GATEWAY, "essex-cc"));
    expect(signed.status).toBe(200);
    expect(signed.body.data._entities[0].title).toEqual(expect.any(String));
  });

  it("refuses an answer whose real points make it costlier than its cap, though the estimate passed", async () => {
    const headers = await sys.signer.headers(GATEWAY, "essex-cc");
    const query = ENTITIES("measures { points { date value } }");
    // Estimate: 1 + 1 × (measures 1 + 10 × (points 1 + 200 × 2)) = 4,012, under 5,000.
    const before = await post(partner.url, query, { r: reps(1) }, headers);
    expect(before.status).toBe(200);
    expect(before.body.errors).toBeUndefined();
    await addPoints(partner.db as never, 3000);
    const after = await post(partner.url, query, { r: reps(1) }, headers);
    expect(after.status).toBe(400);
    expect(after.body.data).toBeUndefined();
    expect(after.body.errors[0].extensions).toMatchObject({ code: "ACTUAL_COST_TOO_HIGH", limit: 5000 });
    expect(after.body.errors[0].extensions.actual).toBeGreaterThan(6000);
    expect(after.text.length).toBeLessThan(2000);
  });
});

describe("the gateway's actual-cost cap", () => {
  it("refuses an answer costlier than the cap with real list lengths, through the single-fetch shortcut and through Apollo", async () => {
    await addPoints(sys.partners.get("essex-cc")!.db as never, 3000);
    // projectFromOwner 1 + measures (1 + 10 × (points 1 + 200 × 2)) = 4,012: the estimate passes.
    const query = `query($id: ID!) { projectFromOwner(id: $id) { measures { points { date value } } } }`;
    for (const singleFetch of [true, false]) {
      const gateway = await sys.startGateway({ edge: { MAX_QUERY_COST: 5000 }, singleFetch });
      // Twice: the first request plans the document (Apollo's path), the second takes the shortcut.
      for (let i = 0; i < 2; i++) {
        const { status, body, text } = await post(gateway.url, query, { id: PROJECT });
        expect(status, text.slice(0, 300)).toBe(400);
        expect(body.data).toBeUndefined();
        expect(body.errors[0].message).toMatch(
          /actual cost \d+ \(with real list lengths and sizes\) is over the limit of 5000/,
        );
        expect(body.errors[0].extensions).toMatchObject({ code: "ACTUAL_COST_TOO_HIGH", limit: 5000 });
        expect(text.length).toBeLessThan(2000);
      }
      expect(gateway.shortcut?.counts.answered).toBe(singleFetch ? 1 : undefined);
    }
    // The default cap lets the same answer through.
    const ok = await sys.query(query, { id: PROJECT });
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.data.projectFromOwner.measures[0].points.length).toBeGreaterThan(3000);
  });
});

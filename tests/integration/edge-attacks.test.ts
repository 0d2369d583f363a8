// Attacks on the gateway, with the documented limits (and production settings): each is refused
// with a clear error (a 4xx, or a GraphQL error naming the limit and the measured value), and the
// gateway keeps answering normal queries, one between every two attacks and under a concurrent barrage.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { startSystem, type TestSystem } from "../support/system.ts";

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem({
    only: (p) =>
      ["national-catalogue", "essex-cc", "maternity-cop", "slpsc", "health-foundation", "improvement-hub"].includes(
        p.id,
      ),
    gateway: { edge: { NODE_ENV: "production" } },
  });
});
afterAll(async () => {
  await sys?.close();
});

const README = /<!-- example-query[^>]*-->\s*```graphql\n([\s\S]*?)```/.exec(
  readFileSync(new URL("../../README.md", import.meta.url), "utf8"),
)![1]!;
const ACCEPT = "application/graphql-response+json, application/json;q=0.9";

interface Answer {
  status: number;
  body: any;
  text: string;
}

async function send(init: {
  method?: string;
  body?: string;
  search?: string;
  headers?: Record<string, string>;
}): Promise<Answer> {
  const res = await fetch(`${sys.gatewayUrl}${init.search ?? ""}`, {
    method: init.method ?? "POST",
    headers: { "content-type": "application/json", accept: ACCEPT, ...init.headers },
    body: init.body,
  });
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body, text };
}

const postQuery = (query: string, variables?: Record<string, unknown>) =>
  send({ body: JSON.stringify({ query, variables }) });

const ids = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Each attack, and what it must be answered with. */
const ATTACKS: { name: string; send: () => Promise<Answer>; status: number; code: string; message: RegExp }[] = [
  {
    name: "deep nesting (40 levels)",
    send: () =>
      postQuery(`{ ${"framework { conditions { drivers { condition { ".repeat(10)}number${" } } } }".repeat(10)} }`),
    status: 400,
    code: "QUERY_TOO_DEEP",
    message: /nested 41 levels deep .*the limit is 12/,
  },
  {
    name: "alias flooding (60 aliased searches)",
    send: () =>
      postQuery(
        `{ ${ids(60)
          .map((i) => `a${i}: search(first: 100) { totalCount }`)
          .join(" ")} }`,
      ),
    status: 400,
    code: "TOO_MANY_ALIASES",
    message: /60 aliases .*the limit is 30/,
  },
  {
    name: "root field flooding (25 top-level fields)",
    send: () => postQuery(`{ ${"topics { id } ".repeat(25)} }`),
    status: 400,
    code: "TOO_MANY_ROOT_FIELDS",
    message: /25 top-level fields; the limit is 20/,
  },
  {
    name: "a fragment cycle",
    send: () =>
      postQuery(
        `{ framework { ...A } } fragment A on Framework { conditions { ...B } } fragment B on Condition { number ...C } fragment C on Condition { ...B }`,
      ),
    status: 400,
    code: "GRAPHQL_VALIDATION_FAILED",
    message: /Cannot spread fragment "B" within itself via "C"/,
  },
  {
    name: "a fragment bomb (2^30 expansions)",
    send: () =>
      postQuery(
        `{ framework { ...F0 } } ${ids(30)
          .map((i) => `fragment F${i} on Framework { ...F${i + 1} ...F${i + 1} }`)
          .join(" ")} fragment F30 on Framework { conditions { number } }`,
      ),
    status: 400,
    code: "QUERY_TOO_COMPLEX",
    // framework 1 + 2^30 × conditions (1 + 10 × number 1)
    message: /Query cost 11811160065 is over the limit of 250000/,
  },
  {
    name: "a fragment bomb at the root",
    send: () =>
      postQuery(
        `{ ...F0 } ${ids(30)
          .map((i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`)
          .join(" ")} fragment F30 on Query { topics { id } }`,
      ),
    status: 400,
    code: "TOO_MANY_ROOT_FIELDS",
    message: /Operation selects 1073741824 top-level fields; the limit is 20/,
  },
  {
    name: "a query of 1 MB",
    send: () => postQuery(`{ search(query: "${"falls ".repeat(175_000)}") { totalCount } }`),
    status: 413,
    code: "PAYLOAD_TOO_LARGE",
    message: /Request body exceeds 262144 bytes/,
  },
  {
    name: "a document of 5,000 tokens (under the body limit)",
    send: () => postQuery(`{ ${"__typename ".repeat(5000)} }`),
    status: 400,
    code: "TOO_MANY_TOKENS",
    message: /more than 1000 tokens; the limit is 1000/,
  },
  {
    name: "a batch of 100 operations",
    send: () =>
      send({ body: JSON.stringify(ids(100).map(() => ({ query: "{ search(first: 100) { totalCount } }" }))) }),
    status: 400,
    code: "BATCHING_DISABLED",
    message: /Batched requests are not accepted \(this one holds 100 operations\)/,
  },
  {
    name: "directive overloading (60 @include on one field)",
    send: () => postQuery(`{ topics ${"@include(if: true) ".repeat(60)} { id } }`),
    status: 400,
    code: "TOO_MANY_DIRECTIVES",
    message: /60 directives .*the limit is 20/,
  },
  {
    name: "unknown directives (400 of them)",
    send: () => postQuery(`{ topics { id ${"@x ".repeat(400)} } }`),
    status: 400,
    code: "TOO_MANY_DIRECTIVES",
    message: /400 directives .*the limit is 20/,
  },
  {
    name: "a mutation over GET",
    send: () =>
      send({
        method: "GET",
        search: `?${new URLSearchParams({ query: "mutation { __typename }" })}`,
        headers: { "apollo-require-preflight": "true" },
      }),
    status: 405,
    code: "BAD_REQUEST",
    message: /GET requests only support query operations/,
  },
  {
    name: "an expensive list multiplication (100 × 20 × 20 × 20)",
    send: () =>
      postQuery(
        `{ search(first: 100) { edges { node { ... on Project { similarProjects(first: 20) { similarProjects(first: 20) { similarProjects(first: 20) { id title } } } } } } } }`,
      ),
    status: 400,
    code: "QUERY_TOO_COMPLEX",
    message: /is over the limit of 250000/,
  },
  {
    name: "the same multiplication through variables",
    send: () =>
      postQuery(
        `query($n: Int, $m: Int) { search(first: $n) { edges { node { ... on Project { similarProjects(first: $m) { similarProjects(first: $m) { similarProjects(first: $m) { id } } } } } } } }`,
        { n: 100, m: 20 },
      ),
    status: 400,
    code: "QUERY_TOO_COMPLEX",
    message: /is over the limit of 250000/,
  },
  {
    // Each measure is assumed to hold 200 points; a chart costs 6,000 (schema/projects.graphql).
    name: "five aliased charts of every measure of a project (7.4 MB of SVG over a 5,000-point measure)",
    send: () =>
      postQuery(
        `{ projectFromOwner(id: "essex-cc:project:post-falls-huddles") { measures { a: chart b: chart c: chart d: chart e: chart } } }`,
      ),
    status: 400,
    code: "QUERY_TOO_COMPLEX",
    message: /Query cost 300002 is over the limit of 250000/,
  },
  {
    name: "a page of 100,000",
    send: () => postQuery(`query($n: Int) { search(first: $n) { totalCount } }`, { n: 100_000 }),
    status: 400,
    code: "BAD_USER_INPUT",
    message: /first at search must be between 1 and 100 \(got 100000\)/,
  },
  {
    name: "a schema probe (no suggestions outside development)",
    send: () => postQuery(`{ serch { totalCount } }`),
    status: 400,
    code: "GRAPHQL_VALIDATION_FAILED",
    message: /^Cannot query field "serch" on type "Query"\.$/,
  },
];

async function normalQuery(): Promise<void> {
  const { status, body } = await postQuery(README);
  expect(status).toBe(200);
  expect(body.errors).toBeUndefined();
  expect(body.data.projects.edges.length).toBeGreaterThan(0);
  expect(body.data.networks.edges.length).toBeGreaterThan(0);
}

describe("each attack is refused clearly, and normal queries carry on", () => {
  it.each(ATTACKS.map((a) => [a.name, a] as const))("%s", async (_, attack) => {
    await normalQuery();
    const started = performance.now();
    const answer = await attack.send();
    expect(performance.now() - started).toBeLessThan(2000);
    expect(answer.status, answer.text.slice(0, 300)).toBe(attack.status);
    const errors = answer.body.errors as any[];
    const error = errors.find((e) => e.extensions?.code === attack.code);
    expect(error, JSON.stringify(errors).slice(0, 500)).toBeDefined();
    expect(error.message).toMatch(attack.message);
    expect(answer.body.data).toBeUndefined();
    // Nothing internal leaks.
    expect(answer.text).not.toMatch(/stacktrace|\bat .+\.(ts|js):\d+|Did you mean/);
    await normalQuery();
  });

  it("a limit error says how far over it was", async () => {
    const { body } = await postQuery(
      `{ ${"framework { conditions { drivers { condition { ".repeat(4)}number${" } } } }".repeat(4)} }`,
    );
    expect(body.errors[0].extensions).toEqual({ code: "QUERY_TOO_DEEP", limit: 12, actual: 17 });
  });
});

describe("under a concurrent barrage", () => {
  it("answers every normal query while every attack is refused", async () => {
    const attacks = Array.from({ length: 3 }, () =>
      ATTACKS.map((a) => a.send().then((r) => ({ attack: a, r }))),
    ).flat();
    const normals = Array.from({ length: 10 }, () => normalQuery());
    const [refused] = await Promise.all([Promise.all(attacks), Promise.all(normals)]);
    for (const { attack, r } of refused) expect(r.status, attack.name).toBe(attack.status);
    await normalQuery();
  });
});

// GraphQL over HTTP (https://graphql.github.io/graphql-over-http/draft/), point by point, against the
// gateway and against one partner subgraph called directly: media types and Accept, status codes
// (4xx for request errors with application/graphql-response+json, 200 with application/json), GET
// for queries only, CSRF prevention, 405/406/413/415, and batches refused.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSystem, type TestSystem } from "../support/system.ts";
import { startGateway } from "../../gateway/server.ts";
import { pino } from "pino";
import { createHash } from "node:crypto";

let sys: TestSystem;
const targets: Record<string, string> = {};

beforeAll(async () => {
  sys = await startSystem({ only: (p) => ["improvement-hub", "national-catalogue"].includes(p.id) });
  targets.gateway = sys.gatewayUrl;
  targets.subgraph = sys.partners.get("improvement-hub")!.url;
});
afterAll(async () => {
  await sys?.close();
});

const MODERN = "application/graphql-response+json";
const LEGACY = "application/json";

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    res,
    status: res.status,
    type: res.headers.get("content-type") ?? "",
    body: text.startsWith("{") || text.startsWith("[") ? JSON.parse(text) : text,
  };
}

async function get(
  url: string,
  params: Record<string, string>,
  headers: Record<string, string> = { "apollo-require-preflight": "true" },
) {
  const res = await fetch(`${url}?${new URLSearchParams(params)}`, { headers });
  return { res, status: res.status, body: await res.json().catch(() => undefined) };
}

describe.each(["gateway", "subgraph"])("the %s", (target) => {
  const url = () => targets[target]!;

  describe("media types", () => {
    it("answers application/graphql-response+json when accepted, application/json otherwise", async () => {
      const modern = await post(url(), { query: "{ __typename }" }, { accept: `${MODERN}, ${LEGACY};q=0.9` });
      expect(modern.status).toBe(200);
      expect(modern.type).toMatch(/^application\/graphql-response\+json/);
      expect(modern.body.data.__typename).toBe("Query");
      for (const accept of [LEGACY, "*/*", undefined]) {
        const legacy = await post(url(), { query: "{ __typename }" }, accept ? { accept } : {});
        expect(legacy.status).toBe(200);
        expect(legacy.type).toMatch(/^application\/json/);
      }
    });

    it("406 when the client accepts neither", async () => {
      const r = await post(url(), { query: "{ __typename }" }, { accept: "text/xml" });
      expect(r.status).toBe(406);
    });

    it("415 for a POST body that is not application/json (also what stops a cross-site form post)", async () => {
      for (const type of [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/jsonx",
      ]) {
        const res = await fetch(url(), {
          method: "POST",
          headers: { "content-type": type },
          body: JSON.stringify({ query: "{ __typename }" }),
        });
        expect(res.status, type).toBe(415);
        expect((await res.json()).errors[0].message).toMatch(/application\/json/);
      }
    });
  });

  describe("status codes of request errors", () => {
    const cases: [string, unknown, string][] = [
      ["a syntax error", { query: "{ __typename " }, "GRAPHQL_PARSE_FAILED"],
      ["an unknown field", { query: "{ noSuchField }" }, "GRAPHQL_VALIDATION_FAILED"],
      ["a missing variable", { query: "query($name: String!) { __type(name: $name) { name } }" }, "BAD_USER_INPUT"],
    ];
    it.each(cases)(
      "%s: 400 with application/graphql-response+json, 200 with application/json, never data",
      async (_, body, code) => {
        const modern = await post(url(), body, { accept: MODERN });
        expect(modern.status).toBe(400);
        expect(modern.body.errors[0].extensions.code).toBe(code);
        expect(modern.body).not.toHaveProperty("data");
        const legacy = await post(url(), body, { accept: LEGACY });
        expect(legacy.status).toBe(200);
        expect(legacy.body.errors[0].extensions.code).toBe(code);
        expect(legacy.body).not.toHaveProperty("data");
      },
    );

    it("an edge limit is a request error too", async () => {
      // Too many aliases for either (the gateway allows 30, a subgraph 300).
      const query = `{ ${Array.from({ length: 301 }, (_, i) => `a${i}: __typename`).join(" ")} }`;
      const modern = await post(url(), { query }, { accept: MODERN });
      expect(modern.status).toBe(400);
      expect(modern.body.errors[0].extensions).toMatchObject({ code: "TOO_MANY_ALIASES", actual: 301 });
      const legacy = await post(url(), { query }, { accept: LEGACY });
      expect(legacy.status).toBe(200);
      expect(legacy.body.errors[0].extensions.code).toBe("TOO_MANY_ALIASES");
    });

    // Apollo Server answered both with 400 "Internal server error" and no code.
    it.each([
      [
        "a hash that does not match the query",
        { version: 1, sha256Hash: "0".repeat(64) },
        "PERSISTED_QUERY_HASH_MISMATCH",
        /sha256Hash does not match the query/,
      ],
      [
        "an unsupported version",
        { version: 2, sha256Hash: "0".repeat(64) },
        "PERSISTED_QUERY_VERSION_UNSUPPORTED",
        /version must be 1/,
      ],
    ])(
      "an automatic persisted query with %s: 400 with a clear message and a stable code",
      async (_what, persistedQuery, code, message) => {
        for (const accept of [MODERN, LEGACY]) {
          const r = await post(url(), { query: "{ __typename }", extensions: { persistedQuery } }, { accept });
          expect(r.status).toBe(400);
          expect(r.body.errors[0].extensions.code).toBe(code);
          expect(r.body.errors[0].message).toMatch(message);
          expect(r.body).not.toHaveProperty("data");
        }
      },
    );

    it("an automatic persisted query with the right hash is answered, then found by its hash alone", async () => {
      const query = "{ __typename }";
      const sha256Hash = createHash("sha256").update(query).digest("hex");
      const registered = await post(url(), { query, extensions: { persistedQuery: { version: 1, sha256Hash } } });
      expect(registered.status).toBe(200);
      expect(registered.body.data.__typename).toBe("Query");
      const byHash = await post(url(), { extensions: { persistedQuery: { version: 1, sha256Hash } } });
      expect(byHash.body.data?.__typename, JSON.stringify(byHash.body)).toBe("Query");
    });

    it("400 whatever the media type for a request that is not well-formed", async () => {
      for (const accept of [MODERN, LEGACY]) {
        expect((await post(url(), "{ not json", { accept })).status).toBe(400);
        const noQuery = await post(url(), { variables: {} }, { accept });
        expect(noQuery.status).toBe(400);
        expect(noQuery.body.errors[0].extensions.code).toBe("BAD_REQUEST");
      }
    });

    it("200 for a response with data, even with errors", async () => {
      const query =
        target === "gateway"
          ? `{ project(id: "not-an-id") { title } }`
          : `{ _entities(representations: [{ __typename: "Resource", id: "not-an-id" }]) { __typename } }`;
      const r = await post(url(), { query }, { accept: MODERN });
      expect(r.status).toBe(200);
      expect(r.body.data).toBeDefined();
    });
  });

  describe("methods", () => {
    it("GET serves queries (with a CSRF preflight header)", async () => {
      const r = await get(url(), { query: "{ __typename }" });
      expect(r.status).toBe(200);
      expect(r.body.data.__typename).toBe("Query");
    });

    it("CSRF prevention: a GET without a preflight header or a non-simple content type is refused", async () => {
      const r = await get(url(), { query: "{ __typename }" }, {});
      expect(r.status).toBe(400);
      expect(r.body.errors[0].message).toMatch(/Cross-Site Request Forgery/);
    });

    it("a mutation over GET is 405 with Allow: POST, whatever the schema's mutations", async () => {
      const r = await get(url(), { query: "mutation { __typename }" });
      expect(r.status).toBe(405);
      expect(r.res.headers.get("allow")).toBe("POST");
      expect(r.body.errors[0].message).toMatch(/GET requests only support query operations/);
      // The operation a GET selects decides.
      const doc = "query Q { __typename } mutation M { __typename }";
      expect((await get(url(), { query: doc, operationName: "M" })).status).toBe(405);
      expect((await get(url(), { query: doc, operationName: "Q" })).status).toBe(200);
    });

    it("405 with Allow: GET, POST for other methods", async () => {
      for (const method of ["PUT", "DELETE", "PATCH"]) {
        const res = await fetch(url(), {
          method,
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query: "{ __typename }" }),
        });
        expect(res.status, method).toBe(405);
        expect(res.headers.get("allow")).toBe("GET, POST");
      }
    });
  });

  describe("bodies", () => {
    it("refuses a batch (a JSON array of operations) with a clear error", async () => {
      const r = await post(url(), [{ query: "{ __typename }" }, { query: "{ __typename }" }], { accept: MODERN });
      expect(r.status).toBe(400);
      expect(r.body.errors[0].extensions.code).toBe("BATCHING_DISABLED");
      expect(r.body.errors[0].message).toMatch(/Batched requests are not accepted \(this one holds 2 operations\)/);
    });

    it("413 for a body over the limit, before parsing", async () => {
      const r = await post(url(), { query: `{ __typename } # ${"x".repeat(300_000)}` });
      expect(r.status).toBe(413);
      expect(r.body.errors[0].extensions.code).toBe("PAYLOAD_TOO_LARGE");
    });
  });
});

describe("the subgraph's own limits", () => {
  it("are looser than the gateway's, and refuse with the edge's codes", async () => {
    const url = targets.subgraph!;
    const thirtyOne = `{ ${Array.from({ length: 31 }, (_, i) => `a${i}: __typename`).join(" ")} }`;
    expect((await post(sys.gatewayUrl, { query: thirtyOne }, { accept: MODERN })).status).toBe(400);
    expect((await post(url, { query: thirtyOne }, { accept: MODERN })).status).toBe(200);
    const tokens = await post(url, { query: `{ ${"__typename ".repeat(21_000)} }` }, { accept: MODERN });
    expect(tokens.status).toBe(400);
    expect(tokens.body.errors[0].extensions).toMatchObject({ code: "TOO_MANY_TOKENS", limit: 20_000 });
  });
});

describe("batching, when configured", () => {
  it("answers a batch of up to HTTP_BATCH_MAX operations with an array, and refuses a bigger one", async () => {
    const g = await startGateway({
      registry: sys.registry,
      timeoutMs: 1000,
      logger: pino({ level: "silent" }),
      port: 0,
      host: "127.0.0.1",
      maxBodyBytes: 262_144,
      edge: { HTTP_BATCH_MAX: 2, RATE_LIMIT_REQUESTS: 0 },
    });
    try {
      const two = await post(g.url, [{ query: "{ __typename }" }, { query: "{ topics { id } }" }], { accept: MODERN });
      expect(two.status).toBe(200);
      expect(two.body).toHaveLength(2);
      expect(two.body[0].data.__typename).toBe("Query");
      expect(two.body[1].data.topics.length).toBeGreaterThan(0);
      const three = await post(
        g.url,
        [{ query: "{ __typename }" }, { query: "{ __typename }" }, { query: "{ __typename }" }],
        { accept: MODERN },
      );
      expect(three.status).toBe(400);
      expect(three.body.errors[0]).toMatchObject({
        message: "A batch may hold at most 2 operations; this one holds 3",
        extensions: { code: "BATCHING_DISABLED" },
      });
    } finally {
      await g.close();
    }
  });
});

// The gateway's single-fetch shortcut (gateway/single-fetch.ts) must be invisible: every request is
// sent as raw bytes to two gateways over the same partners, one with the shortcut and one without,
// and the status, media type, cache header and body must be identical, byte for byte. The shortcut's
// counters show which path answered, so a shortcut that never engages fails too. It answers only
// documents the gateway has planned: each comparison first sends its request once to plan it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSystem, type TestSystem } from "../support/system.ts";
import type { RunningServer } from "../../lib/http-server.ts";
import type { BuiltGateway } from "../../gateway/server.ts";

let sys: TestSystem;
let plain: RunningServer & BuiltGateway;
const ids: Record<"project" | "resource" | "network", string> = { project: "", resource: "", network: "" };

beforeAll(async () => {
  sys = await startSystem({
    only: (p) => ["essex-cc", "improvement-hub", "slpsc", "national-catalogue"].includes(p.id),
  });
  plain = await sys.startGateway({ singleFetch: false });
  expect(plain.shortcut).toBeUndefined();
  // One item of each kind, found as a client would.
  for (const [kind, key] of [
    ["PROJECT", "project"],
    ["RESOURCE", "resource"],
    ["NETWORK", "network"],
  ] as const) {
    const { body } = await sys.query(
      `query($k: [ItemKind!]) { search(filter: { kinds: $k }, first: 1) { edges { node { id } } } }`,
      { k: [kind] },
    );
    ids[key] = body.data.search.edges[0].node.id;
    expect(ids[key]).toBeTruthy();
  }
}, 180_000);
afterAll(async () => sys?.close());

interface Answer {
  status: number;
  contentType: string | null;
  cacheControl: string | null;
  text: string;
}

async function send(url: string, body: string, headers: Record<string, string>): Promise<Answer> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  return {
    status: res.status,
    contentType: res.headers.get("content-type"),
    cacheControl: res.headers.get("cache-control"),
    text: await res.text(),
  };
}

/** The same request to both gateways (once planned): both answers must be identical. Returns it and which path the shortcut took. */
async function both(
  request: unknown,
  headers: Record<string, string> = {},
): Promise<Answer & { path: "shortcut" | "apollo" | "handed over" }> {
  const body = typeof request === "string" ? request : JSON.stringify(request);
  await send(sys.gatewayUrl, body, headers);
  const before = { ...sys.gateway.shortcut!.counts };
  const withShortcut = await send(sys.gatewayUrl, body, headers);
  const after = sys.gateway.shortcut!.counts;
  const without = await send(plain.url, body, headers);
  expect(withShortcut).toEqual(without);
  const path =
    after.answered > before.answered ? "shortcut" : after.handedOver > before.handedOver ? "handed over" : "apollo";
  return { ...withShortcut, path };
}

const PROJECT_PAGE = `query Page($id: ID!) { projectFromOwner(id: $id) { id title aim status startedOn team { name role }
  measures { name unit improvement points { date value } spc { status variation assurance points { date rules classification } } runChart { status median } }
  pdsaCycles { number title } } }`;

describe("the single-fetch shortcut", () => {
  it("leaves a document the gateway has not planned to Apollo, which plans it, and answers the next request", async () => {
    const body = JSON.stringify({
      query: `query First($id: ID!) { projectFromOwner(id: $id) { id status } }`,
      variables: { id: ids.project },
    });
    const counts = sys.gateway.shortcut!.counts;
    const before = { ...counts };
    const first = await send(sys.gatewayUrl, body, {});
    expect(counts.answered).toBe(before.answered);
    const second = await send(sys.gatewayUrl, body, {});
    expect(counts.answered).toBe(before.answered + 1);
    expect(second).toEqual(first);
    expect(JSON.parse(second.text).data.projectFromOwner.id).toBe(ids.project);
  });

  it("answers a read that plans to one unchanged fetch itself, exactly as Apollo would", async () => {
    const page = await both({ query: PROJECT_PAGE, variables: { id: ids.project } });
    expect(page.path).toBe("shortcut");
    expect(page.status).toBe(200);
    expect(JSON.parse(page.text).data.projectFromOwner.id).toBe(ids.project);

    const resource = await both({
      query: `query($id: ID!) { resourceFromOwner(id: $id) { id title kind url } }`,
      variables: { id: ids.resource },
    });
    expect(resource.path).toBe("shortcut");
    expect(JSON.parse(resource.text).data.resourceFromOwner.id).toBe(ids.resource);

    const network = await both({
      query: `query($id: ID!, $n: Int) { networkFromOwner(id: $id) { id title members(first: $n) { name } } }`,
      variables: { id: ids.network, n: 3 },
    });
    expect(network.path).toBe("shortcut");
    expect(JSON.parse(network.text).data.networkFromOwner.members.length).toBeLessThanOrEqual(3);
  });

  it("answers in the media type Apollo negotiates, whatever the Accept header", async () => {
    const request = {
      query: `query($id: ID!) { projectFromOwner(id: $id) { id title } }`,
      variables: { id: ids.project },
    };
    const modern = "application/graphql-response+json; charset=utf-8";
    const legacy = "application/json; charset=utf-8";
    for (const [accept, type] of [
      ["application/json", legacy],
      ["application/graphql-response+json", modern],
      ["application/graphql-response+json, application/json;q=0.9", modern],
      ["*/*", legacy],
      ["application/json;q=0.5, application/graphql-response+json;q=0.8", modern],
      ["text/html;q=0.9, application/json;q=0.1", legacy],
    ]) {
      const answer = await both(request, { accept: accept! });
      expect(answer.path, accept).toBe("shortcut");
      expect(answer.contentType, accept).toBe(type);
    }
    expect((await both(request, { accept: "text/html" })).status).toBe(406);
  });

  it("picks the named operation of a document with several, and sends only the variables its fetch uses", async () => {
    const doc = `query A($id: ID!) { projectFromOwner(id: $id) { title } } query B($id: ID!) { resourceFromOwner(id: $id) { title } }`;
    const a = await both({ query: doc, operationName: "B", variables: { id: ids.resource } });
    expect(a.path).toBe("shortcut");
    expect(JSON.parse(a.text).data).toEqual({ resourceFromOwner: { title: expect.any(String) } });
    // Without a name, or with one the document lacks: the client's mistake, said as such (not a 500).
    for (const operationName of [undefined, "C"]) {
      const unnamed = await both(
        { query: doc, operationName, variables: { id: ids.resource } },
        { accept: "application/graphql-response+json" },
      );
      expect(unnamed.status).toBe(400);
      expect(JSON.parse(unnamed.text).errors[0]).toMatchObject({
        message: expect.stringContaining("A, B"),
        extensions: { code: "OPERATION_RESOLUTION_FAILURE" },
      });
    }
  });

  it("leaves reads that need several fetches, or a changed fetch, to Apollo", async () => {
    // The project's network lives in the networks partner: two fetches.
    const twoHops = await both({
      query: `query($id: ID!) { projectFromOwner(id: $id) { title network { title } } }`,
      variables: { id: ids.project },
    });
    expect(twoHops.path).toBe("apollo");
    expect(twoHops.status).toBe(200);
    // A fragment: the planner inlines it, so the fetch is not the client's document.
    const fragment = await both({
      query: `query($id: ID!) { projectFromOwner(id: $id) { ...P } } fragment P on Project { title }`,
      variables: { id: ids.project },
    });
    expect(fragment.path).toBe("apollo");
  });

  it("refuses what the gateway refuses, with the gateway's own errors", async () => {
    const members = `query($id: ID!, $n: Int) { networkFromOwner(id: $id) { members(first: $n) { name } } }`;
    // A page over the edge's cap (in a variable): refused before any partner is asked, even right
    // after the same document passed with a small page.
    expect((await both({ query: members, variables: { id: ids.network, n: 3 } })).path).toBe("shortcut");
    const overCap = await both({ query: members, variables: { id: ids.network, n: 5000 } });
    expect(overCap.path).toBe("apollo");
    expect(JSON.parse(overCap.text).errors[0].extensions.code).toBe("BAD_USER_INPUT");
    // A variable of the wrong type, a missing one, a broken document, a mutation without a token.
    for (const request of [
      { query: members, variables: { id: ids.network, n: "three" } },
      { query: members, variables: {} },
      { query: `query { projectFromOwner(id: ) { title } }` },
      { query: `mutation { deleteProject(id: "${ids.project}") { id } }` },
    ]) {
      const answer = await both(request);
      expect(answer.path).toBe("apollo");
      expect(JSON.parse(answer.text).errors.length).toBeGreaterThan(0);
    }
    // A bad token: 401 from both, whatever the document.
    const badToken = await both(
      { query: members, variables: { id: ids.network, n: 1 } },
      { authorization: "Bearer not-a-token" },
    );
    expect(badToken.status).toBe(401);
  });

  it("hands a fetch that answered errors to Apollo, which words them without asking the partner again", async () => {
    // Routed to a partner that does not exist: the data source answers with an error.
    const unknown = await both({
      query: `query($id: ID!) { projectFromOwner(id: $id) { title } }`,
      variables: { id: ids.project.replace(/^[^:]+/, "nobody") },
    });
    expect(unknown.path).toBe("handed over");
    expect(JSON.parse(unknown.text).errors[0].extensions.code).toBe("UNKNOWN_PARTNER");

    // The partner itself refuses an argument: it is asked once through the shortcut, as without it.
    const partner = sys.partners.get("essex-cc")!;
    const bad = {
      query: `query($id: ID!) { projectFromOwner(id: $id) { measures { spc(phaseStarts: ["not a date"]) { status } } } }`,
      variables: { id: ids.project },
    };
    await send(sys.gatewayUrl, JSON.stringify(bad), {});
    const count = async (url: string) => {
      const before = partner.db.statements.count;
      await send(url, JSON.stringify(bad), {});
      return partner.db.statements.count - before;
    };
    const viaShortcut = await count(sys.gatewayUrl);
    expect(viaShortcut).toBe(await count(plain.url));
    expect(viaShortcut).toBeGreaterThan(0);
    const answer = await both(bad);
    expect(answer.path).toBe("handed over");
    expect(JSON.parse(answer.text).errors[0].extensions.code).toBe("BAD_USER_INPUT");
  });

  it("leaves batches to Apollo, whose operations share one context: each gets its own answer", async () => {
    const [shortcut, noShortcut] = await Promise.all([
      sys.startGateway({ edge: { HTTP_BATCH_MAX: 2 } }),
      sys.startGateway({ edge: { HTTP_BATCH_MAX: 2 }, singleFetch: false }),
    ]);
    const query = `query($id: ID!) { projectFromOwner(id: $id) { title } }`;
    const batch = JSON.stringify(
      ["nobody", "noone"].map((partner) => ({ query, variables: { id: ids.project.replace(/^[^:]+/, partner) } })),
    );
    await send(shortcut.url, batch, {});
    const before = { ...shortcut.shortcut!.counts };
    const [a, b] = [await send(shortcut.url, batch, {}), await send(noShortcut.url, batch, {})];
    expect(shortcut.shortcut!.counts).toEqual(before);
    expect(a).toEqual(b);
    expect(JSON.parse(a.text).map((r: any) => r.errors[0].extensions.partner)).toEqual(["nobody", "noone"]);
    // The same document alone takes the shortcut.
    expect((await both({ query, variables: { id: ids.project } })).path).toBe("shortcut");
  });

  it("answers a partner that is down as the gateway does", async () => {
    const request = {
      query: `query($id: ID!) { resourceFromOwner(id: $id) { title } }`,
      variables: { id: ids.resource },
    };
    await send(sys.gatewayUrl, JSON.stringify(request), {});
    await sys.stopPartner("improvement-hub");
    // The first call may meet a kept-alive socket the partner closed ("socket hang up") rather than a
    // refused connection, so the two gateways' messages can differ: everything else must not.
    const before = sys.gateway.shortcut!.counts.handedOver;
    const [down, plainDown] = await Promise.all([
      send(sys.gatewayUrl, JSON.stringify(request), {}),
      send(plain.url, JSON.stringify(request), {}),
    ]);
    expect(sys.gateway.shortcut!.counts.handedOver).toBe(before + 1);
    const shape = (a: Answer) => ({
      ...a,
      text: JSON.parse(a.text.replace(/unreachable \([^)]*\)/g, "unreachable (...)")),
    });
    expect(shape(down)).toEqual(shape(plainDown));
    expect(shape(down).text).toMatchObject({
      data: { resourceFromOwner: null },
      errors: [{ extensions: { code: "PARTNER_UNAVAILABLE", partner: "improvement-hub" } }],
    });
  });
});

// The whole federation on ephemeral ports: ten partner services with their own databases, the
// national catalogue and the gateway, queried over HTTP as a client would.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSystem, type TestSystem } from "../support/system.ts";

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem();
});
afterAll(async () => {
  await sys?.close();
});

const partnerOf = (id: string) => id.split(":")[0]!;

describe("one request, many partners", () => {
  it("returns projects from several projects partners, with live fields from each owner", async () => {
    const { body } = await sys.query(`{
      search(filter: { kinds: [PROJECT] }, first: 50) {
        totalCount
        edges { node { id title ... on Project { aim status measures { name unit } } } }
      }
    }`);
    expect(body.errors).toBeUndefined();
    const nodes = body.data.search.edges.map((e: any) => e.node);
    const owners = new Set(nodes.map((n: any) => partnerOf(n.id)));
    expect(owners).toEqual(new Set(["essex-cc", "bridgewater", "maternity-cop", "pic-projects"]));
    // Every live field was answered by the owning partner, not left null.
    for (const n of nodes) {
      expect(n.aim, n.id).toEqual(expect.any(String));
      expect(n.measures.length, n.id).toBeGreaterThan(0);
    }
    expect(body.data.search.totalCount).toBe(nodes.length);
  });

  it("crosses kinds and partners: a project's network and resources come from other partners", async () => {
    const { body } = await sys.query(`{
      project(id: "maternity-cop:project:improving-maternal-care") {
        title aim
        network { id title type members { name offersDataAnalysis } projects { id } partner { id } }
        resources { id title url kind partner { id } projects { id } }
        organisation { name }
      }
    }`);
    expect(body.errors).toBeUndefined();
    const p = body.data.project;
    expect(p.aim).toMatch(/postpartum haemorrhage/i);
    expect(p.network.id).toBe("slpsc:network:maternity-cop");
    expect(p.network.partner.id).toBe("slpsc");
    expect(p.network.members.length).toBeGreaterThan(0);
    // Network.projects comes from the catalogue's index and includes this project.
    expect(p.network.projects.map((x: any) => x.id)).toContain("maternity-cop:project:improving-maternal-care");
    const resourceOwners = new Set(p.resources.map((r: any) => r.partner.id));
    expect(resourceOwners.has("improvement-hub")).toBe(true);
    for (const r of p.resources) {
      expect(r.kind, r.id).toEqual(expect.any(String));
      expect(r.projects.map((x: any) => x.id)).toContain("maternity-cop:project:improving-maternal-care");
    }
  });

  it("follows linked networks across the registered manager networks", async () => {
    const { body } = await sys.query(`{
      network(id: "pic-networks:network:new-managers") {
        title type memberCount
        linkedNetworks { id title type linkedNetworks { id } }
        projects { id title }
      }
    }`);
    expect(body.errors).toBeUndefined();
    const n = body.data.network;
    expect(n.linkedNetworks).toHaveLength(3);
    for (const linked of n.linkedNetworks) {
      expect(linked.type).toBe("REGISTERED_MANAGER_NETWORK");
      expect(linked.linkedNetworks.map((x: any) => x.id)).toContain("pic-networks:network:new-managers");
    }
    expect(n.projects.map((p: any) => partnerOf(p.id))).toContain("pic-projects");
  });

  it("serves the framework, the vocabulary and the organisation directory", async () => {
    const { body } = await sys.query(`{
      framework { aim conditions { id name drivers { id name condition { id } } } }
      organisations { id boardMember partners { id } }
      organisation(id: "essex-cc") { name type region { name } partners { id kind } }
    }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.framework.conditions).toHaveLength(5);
    expect(body.data.framework.conditions.flatMap((c: any) => c.drivers)).toHaveLength(15);
    expect(body.data.organisations.filter((o: any) => o.boardMember)).toHaveLength(13);
    expect(body.data.organisation).toMatchObject({
      name: "Essex County Council",
      type: "COUNCIL",
      partners: [{ id: "essex-cc", kind: "projects" }],
    });
  });

  it("resolves topic and driver names from the catalogue for items held by partners", async () => {
    const { body } = await sys.query(
      `{ project(id: "essex-cc:project:care-home-safety") { topics { id name } drivers { name condition { number } } settings { name } funding { funder { name } programme } evaluation { evaluator { name } quote } } }`,
    );
    expect(body.errors).toBeUndefined();
    const project = body.data.project;
    expect(project.topics.map((t: any) => t.id)).toEqual(
      expect.arrayContaining(["falls", "pressure-ulcers", "urinary-tract-infections"]),
    );
    for (const t of [...project.topics, ...project.drivers, ...project.settings])
      expect(t.name).toEqual(expect.any(String));
    expect(project.settings.map((s: any) => s.name)).toContain("Care homes");
    expect(project.funding).toContainEqual({
      funder: { name: "The Health Foundation" },
      programme: expect.stringMatching(/Closing the Gap/),
    });
    expect(project.evaluation).toMatchObject({
      evaluator: { name: "University College London" },
      quote: expect.stringMatching(/Two-thirds of homes/),
    });
  });
});

describe("national search", () => {
  it.each([
    ["falls", "essex-cc"],
    ["postpartum haemorrhage", "maternity-cop"],
    ["Expert in Me", "bridgewater"],
    ["Registered Manager", "pic-projects"],
  ])("finds the %s case study project", async (words, owner) => {
    const { body } = await sys.query(
      `query($q: String) { search(query: $q, filter: { kinds: [PROJECT] }) { edges { score node { id title } } } }`,
      { q: words },
    );
    expect(body.errors).toBeUndefined();
    const owners = body.data.search.edges.map((e: any) => partnerOf(e.node.id));
    expect(owners).toContain(owner);
    expect(body.data.search.edges[0].score).toBeGreaterThan(0);
  });

  it("ranks a title match above a body match and stems English words", async () => {
    const { body } = await sys.query(`{ search(query: "haemorrhages") { edges { node { title } } } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.search.edges.length).toBeGreaterThan(0);
    expect(body.data.search.edges[0].node.title.toLowerCase()).toMatch(/haemorrhage|maternal/);
  });

  it("pages through every result exactly once with cursors", async () => {
    const all = await sys.query(`{ search(first: 100) { totalCount edges { node { id } } } }`);
    const total = all.body.data.search.totalCount;
    expect(total).toBeGreaterThan(20);
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page++) {
      const res: any = await sys.query(
        `query($after: String) { search(first: 7, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id } } } }`,
        { after },
      );
      expect(res.body.errors).toBeUndefined();
      const s = res.body.data.search;
      expect(s.totalCount).toBe(total);
      seen.push(...s.edges.map((e: any) => e.node.id));
      if (!s.pageInfo.hasNextPage) break;
      after = s.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
  });

  it("filters by kind, partner, topic and region", async () => {
    const { body } = await sys.query(`{
      resources: search(filter: { kinds: [RESOURCE] }, first: 100) { totalCount edges { node { __typename id } } }
      london: search(filter: { regions: ["london"] }, first: 100) { edges { node { id } } }
      pph: search(filter: { topics: ["postpartum-haemorrhage"] }, first: 100) { edges { node { id } } }
      hub: search(filter: { partners: ["improvement-hub"] }, first: 100) { edges { node { id } } }
    }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.resources.edges.every((e: any) => e.node.__typename === "Resource")).toBe(true);
    expect(new Set(body.data.resources.edges.map((e: any) => partnerOf(e.node.id)))).toEqual(
      new Set(["improvement-hub", "leadership-academy"]),
    );
    expect(body.data.london.edges.map((e: any) => partnerOf(e.node.id))).toEqual(
      expect.arrayContaining(["slpsc", "maternity-cop"]),
    );
    expect(body.data.pph.edges.length).toBeGreaterThan(0);
    expect(body.data.hub.edges.every((e: any) => partnerOf(e.node.id) === "improvement-hub")).toBe(true);
  });

  it("never lists drafts", async () => {
    const { body } = await sys.query(
      `{ search(filter: { kinds: [RESOURCE] }, first: 100) { totalCount } partners { id itemCount } }`,
    );
    const hub = body.data.partners.find((p: any) => p.id === "improvement-hub");
    // Each resources seed file holds exactly one draft; the index and the count exclude it.
    expect(body.data.search.totalCount).toBe(
      body.data.partners
        .filter((p: any) => ["improvement-hub", "leadership-academy"].includes(p.id))
        .reduce((n: number, p: any) => n + p.itemCount, 0),
    );
    expect(hub.itemCount).toBeGreaterThan(0);
  });
});

describe("bad input gets a clear error with a code and no stack trace", () => {
  const expectClean = (body: any) => {
    const text = JSON.stringify(body);
    expect(text).not.toMatch(/stacktrace|\bat .+\.(ts|js):\d+/);
  };

  it("an id of the wrong shape", async () => {
    const { body } = await sys.query(`{ project(id: "not-an-id") { title } }`);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", argumentPath: ["id"] });
    expect(body.errors[0].path).toEqual(["project"]);
    expectClean(body);
  });

  it("an id of another kind", async () => {
    const { body } = await sys.query(`{ project(id: "slpsc:network:maternity-cop") { title } }`);
    expect(body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(body.errors[0].message).toMatch(/project id/);
  });

  it("first: -1 and first: 101", async () => {
    for (const first of [-1, 0, 101]) {
      const { body } = await sys.query(`query($first: Int) { search(first: $first) { totalCount } }`, { first });
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", argumentPath: ["first"] });
      expect(body.errors[0].message).toMatch(/between 1 and 100/);
      expectClean(body);
    }
  });

  it("a 10 kB query string", async () => {
    const { body } = await sys.query(`query($q: String) { search(query: $q) { totalCount } }`, {
      q: "falls ".repeat(1700),
    });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", argumentPath: ["query"] });
    expectClean(body);
  });

  // PostgreSQL cannot take a NUL in text, and a lone surrogate is not Unicode: both were INTERNAL_SERVER_ERROR.
  it.each([
    ["a NUL character", "falls\u0000"],
    ["a lone surrogate", "falls \uDC00"],
  ])("%s in the search text", async (_what, q) => {
    const { body } = await sys.query(`query($q: String) { search(query: $q) { totalCount } }`, { q });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", argumentPath: ["query"] });
    expect(body.errors[0].message).toMatch(/NUL characters or unpaired surrogates/);
    expectClean(body);
  });

  it("a missing required variable", async () => {
    const { status, body } = await sys.query(`query($id: ID!) { project(id: $id) { title } }`, {});
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(body.errors[0].message).toMatch(/\$id/);
    expectClean(body);
  });

  it("an unknown field, a syntax error and an unknown topic", async () => {
    const unknown = await sys.query(`{ search { nope } }`);
    expect(unknown.body.errors[0].extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
    const syntax = await sys.query(`{ search( }`);
    expect(syntax.body.errors[0].extensions.code).toBe("GRAPHQL_PARSE_FAILED");
    const topic = await sys.query(`{ search(filter: { topics: ["knitting"] }) { totalCount } }`);
    expect(topic.body.errors[0].extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      argumentPath: ["filter", "topics", "0"],
    });
    for (const r of [unknown, syntax, topic]) expectClean(r.body);
  });

  it("a request body over the limit is refused before parsing", async () => {
    const res = await fetch(sys.gatewayUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `{ search(query: "${"x".repeat(300_000)}") { totalCount } }` }),
    });
    expect(res.status).toBe(413);
    expect((await res.json()).errors[0].extensions.code).toBe("PAYLOAD_TOO_LARGE");
  });
});

// Last: these stop partners.
describe("a partner that is down or slow", () => {
  it("gives partial data and one error naming the partner, within the timeout", async () => {
    await sys.stopPartner("essex-cc");
    const started = performance.now();
    const { body } = await sys.query(
      `{ search(filter: { kinds: [PROJECT] }, first: 50) { edges { node { id title ... on Project { aim } } } } }`,
    );
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(2000 + 1500);
    const nodes = body.data.search.edges.map((e: any) => e.node);
    const essex = nodes.filter((n: any) => partnerOf(n.id) === "essex-cc");
    const others = nodes.filter((n: any) => partnerOf(n.id) !== "essex-cc");
    expect(essex.length).toBeGreaterThan(0);
    // Summary fields still come from the index; the live field is null for the stopped partner only.
    for (const n of essex) expect(n).toMatchObject({ title: expect.any(String), aim: null });
    for (const n of others) expect(n.aim, n.id).toEqual(expect.any(String));
    const errors = body.errors.filter((e: any) => e.extensions.partner === "essex-cc");
    expect(errors).toHaveLength(1);
    expect(errors[0].extensions.code).toBe("PARTNER_UNAVAILABLE");
    expect(errors[0].message).toMatch(/essex-cc/);
  });

  it("keeps a stopped partner's items searchable, marked stale, after the next harvest", async () => {
    await sys.harvester.harvestAll();
    const { body } = await sys.query(`{
      search(query: "falls", filter: { partners: ["essex-cc"] }) { totalCount edges { node { id stale lastSeen } } }
      partners { id status reason }
    }`);
    expect(body.data.search.totalCount).toBeGreaterThan(0);
    for (const e of body.data.search.edges) expect(e.node).toMatchObject({ stale: true, lastSeen: expect.any(String) });
    const essex = body.data.partners.find((p: any) => p.id === "essex-cc");
    expect(essex).toMatchObject({ status: "DOWN", reason: expect.stringMatching(/unreachable|no answer/) });
    expect(body.data.partners.find((p: any) => p.id === "bridgewater").status).toBe("UP");
  });

  it("answers without a partner that hangs, at the timeout", async () => {
    const { createServer } = await import("node:http");
    const hanging = createServer(() => {
      /* accepts and never answers */
    });
    await new Promise<void>((r) => hanging.listen(0, "127.0.0.1", () => r()));
    const port = (hanging.address() as { port: number }).port;
    const before = sys.registry();
    sys.setRegistry(before.withUrls({ bridgewater: `http://127.0.0.1:${port}/graphql` }));
    try {
      const started = performance.now();
      const { body } = await sys.query(
        `{ search(filter: { kinds: [PROJECT] }, first: 50) { edges { node { id ... on Project { aim } } } } }`,
      );
      const elapsed = performance.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(1900);
      expect(elapsed).toBeLessThan(2000 + 1500);
      const slow = body.errors.find((e: any) => e.extensions.partner === "bridgewater");
      expect(slow).toMatchObject({
        extensions: { code: "PARTNER_UNAVAILABLE" },
        message: expect.stringMatching(/no answer within the read deadline of 2000 ms/),
      });
      const fine = body.data.search.edges
        .map((e: any) => e.node)
        .filter((n: any) => ["maternity-cop", "pic-projects"].includes(partnerOf(n.id)));
      expect(fine.length).toBeGreaterThan(0);
      for (const n of fine) expect(n.aim).toEqual(expect.any(String));
    } finally {
      sys.setRegistry(before);
      hanging.closeAllConnections();
      hanging.close();
    }
  });

  it("names the national catalogue when it is the one that is down", async () => {
    await sys.stopPartner("national-catalogue");
    const { body } = await sys.query(`{ search(query: "falls") { totalCount } }`);
    expect(body.data).toBeNull();
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]).toMatchObject({
      extensions: { code: "PARTNER_UNAVAILABLE", partner: "national-catalogue" },
    });
  });
});

// Who may do what across partners, through a real gateway and real partners:
// - one request's mutations go to one partner, across kinds too, and a request that would span two
//   is refused before anything is written;
// - reads may span partners: two `resourceFromOwner` of two partners in one request are answered;
// - the national catalogue's own key is good for its feeds and schema checks only, never a write
//   or a read of an item (drafts included), and never for a user's identity.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { startSystem, type TestSystem } from "../support/system.ts";
import { FEED_QUERY } from "../../subgraphs/catalogue/harvest/feeds.ts";
import type { Identity } from "../../lib/auth/identity.ts";
import type { IdentitySigner } from "../../lib/auth/internal-tokens.ts";

let sys: TestSystem;
let slpscEditor: string;
let hubEditor: string;
const HUB = "improvement-hub:resource:nhsi-improvement-hub";
const ACADEMY = "leadership-academy:resource:aspire-together";

beforeAll(async () => {
  sys = await startSystem({
    only: (p) =>
      ["slpsc", "maternity-cop", "improvement-hub", "leadership-academy", "national-catalogue"].includes(p.id),
  });
  // slpsc runs a networks partner (slpsc) and a projects partner (maternity-cop).
  slpscEditor = await sys.token({ user: "sol", organisation: "slpsc", roles: ["editor"] });
  hubEditor = await sys.token({ user: "amira", organisation: "nhs-england", roles: ["editor"] });
}, 120_000);
afterAll(async () => {
  await sys?.close();
});

const key = () => `test-${randomUUID()}`;
const count = (partner: string, table: string) =>
  sys.partners
    .get(partner)!
    .db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table}"`)
    .then((rows) => Number(rows[0]!.n));

describe("one request writes to one partner, across kinds", () => {
  const BOTH = `mutation($network: CreateNetworkInput!, $project: CreateProjectInput!, $k1: String!, $k2: String!) {
    createNetwork(input: $network, idempotencyKey: $k1) { id }
    createProject(input: $project, idempotencyKey: $k2) { id }
  }`;
  const network = { title: "Maternity safety champions", type: "COMMUNITY_OF_PRACTICE" };

  it("refuses createNetwork with a failing createProject before writing the network", async () => {
    const before = {
      networks: await count("slpsc", "Network"),
      receipts: await count("slpsc", "WriteReceipt"),
      projects: await count("maternity-cop", "Project"),
    };
    // The project's input is invalid (an empty title): the partner would refuse it after the network was written.
    const { status, body } = await sys.queryAs(slpscEditor, BOTH, {
      network,
      project: { title: "", aim: "x" },
      k1: key(),
      k2: key(),
    });
    expect(status).toBe(400);
    expect(body.data ?? null).toBeNull();
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]).toMatchObject({ path: ["createProject"], extensions: { code: "WRITE_SPANS_PARTNERS" } });
    expect(body.errors[0].message).toMatch(
      /createNetwork writes to a networks partner and createProject to a projects partner/,
    );
    expect({
      networks: await count("slpsc", "Network"),
      receipts: await count("slpsc", "WriteReceipt"),
      projects: await count("maternity-cop", "Project"),
    }).toEqual(before);
  });

  it("refuses the pair even when both would succeed, with the alias of the offending field", async () => {
    const before = await count("slpsc", "Network");
    const aliased = `mutation($k1: String!, $k2: String!) {
      n: createNetwork(input: { title: "Doulas network", type: COMMUNITY_OF_PRACTICE }, idempotencyKey: $k1) { id }
      ... on Mutation { p: createProject(input: { title: "Birth plans", aim: "Every mother has one" }, idempotencyKey: $k2) { id } }
    }`;
    const { body } = await sys.queryAs(slpscEditor, aliased, { k1: key(), k2: key() });
    expect(body.errors[0]).toMatchObject({ path: ["p"], extensions: { code: "WRITE_SPANS_PARTNERS" } });
    expect(await count("slpsc", "Network")).toBe(before);
  });

  it("still runs several mutations of one partner in one request, and each alone", async () => {
    const { body } = await sys.queryAs(
      slpscEditor,
      `mutation($k1: String!, $k2: String!) {
        a: createNetwork(input: { title: "Network A", type: COMMUNITY_OF_PRACTICE }, idempotencyKey: $k1) { id }
        b: createNetwork(input: { title: "Network B", type: COMMUNITY_OF_PRACTICE }, idempotencyKey: $k2) { id }
      }`,
      { k1: key(), k2: key() },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.a.id).toMatch(/^slpsc:network:/);
    expect(body.data.b.id).toMatch(/^slpsc:network:/);
    const alone = await sys.queryAs(
      slpscEditor,
      `mutation($k: String!) { createProject(input: { title: "Alone", aim: "An aim" }, idempotencyKey: $k) { id } }`,
      { k: key() },
    );
    expect(alone.body.data.createProject.id).toMatch(/^maternity-cop:project:/);
  });
});

describe("reads may span partners", () => {
  const TWO = `query($a: ID!, $b: ID!) { first: resourceFromOwner(id: $a) { id title } second: resourceFromOwner(id: $b) { id title } }`;

  it("answers two resourceFromOwner of two partners in one request, each from its owner, with and without the single-fetch shortcut", async () => {
    const { body } = await sys.query(TWO, { a: HUB, b: ACADEMY });
    expect(body.errors).toBeUndefined();
    expect(body.data.first).toMatchObject({ id: HUB, title: expect.any(String) });
    expect(body.data.second).toMatchObject({ id: ACADEMY, title: expect.any(String) });
    expect(Object.keys(body.data)).toEqual(["first", "second"]);
    const apollo = await sys.startGateway({ singleFetch: false });
    const res = await fetch(apollo.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: TWO, variables: { a: HUB, b: ACADEMY } }),
    });
    expect(await res.json()).toEqual(body);
  });

  it("keeps the caller's view per owner: a draft is read by its organisation only, beside another partner's item", async () => {
    const created = await sys.queryAs(
      hubEditor,
      `mutation($k: String!) { createResource(input: { title: "Draft beside", kind: GUIDE }, idempotencyKey: $k) { id } }`,
      { k: key() },
    );
    const draft = created.body.data.createResource.id;
    const mine = await sys.queryAs(hubEditor, TWO, { a: draft, b: ACADEMY });
    expect(mine.body.data.first.id).toBe(draft);
    expect(mine.body.data.second.id).toBe(ACADEMY);
    const anonymous = await sys.query(TWO, { a: draft, b: ACADEMY });
    expect(anonymous.body.data).toEqual({ first: null, second: expect.objectContaining({ id: ACADEMY }) });
  });
});

describe("the national catalogue's own key", () => {
  const post = async (
    signer: IdentitySigner,
    identity: Identity,
    partner: string,
    query: string,
    variables: Record<string, unknown> = {},
  ) => {
    const res = await fetch(sys.partners.get(partner)!.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...(await signer.headers(identity, partner)) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const harvest: Identity = { kind: "service", service: "harvest" };
  const editor: Identity = {
    kind: "user",
    issuer: "dev-tokens",
    user: "amira",
    organisation: "nhs-england",
    roles: ["editor"],
  };

  it("reads change feeds and the SDL", async () => {
    const feed = await post(sys.catalogueSigner, harvest, "improvement-hub", FEED_QUERY.resources.query, {
      after: null,
      first: 5,
    });
    expect(feed.body.errors).toBeUndefined();
    expect(feed.body.data.resourceFeed.entries.length).toBeGreaterThan(0);
    const sdl = await post(sys.catalogueSigner, harvest, "improvement-hub", `{ _service { sdl } }`);
    expect(sdl.body.data._service.sdl).toContain("type Resource");
  });

  it("lists versions and reads items back for reconciliation, published ones only", async () => {
    const created = await sys.queryAs(
      hubEditor,
      `mutation($k: String!) { createResource(input: { title: "Draft the catalogue must not see", kind: GUIDE }, idempotencyKey: $k) { id } }`,
      { k: key() },
    );
    const draft = created.body.data.createResource.id;
    const versions = await post(
      sys.catalogueSigner,
      harvest,
      "improvement-hub",
      `{ resourceVersions(first: 500) { entries { id version } } }`,
    );
    expect(versions.body.errors).toBeUndefined();
    const listed = versions.body.data.resourceVersions.entries.map((e: any) => e.id);
    expect(listed).toContain(HUB);
    expect(listed).not.toContain(draft);
    const read = await post(
      sys.catalogueSigner,
      harvest,
      "improvement-hub",
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Resource { id title } } }`,
      {
        r: [
          { __typename: "Resource", id: HUB },
          { __typename: "Resource", id: draft },
        ],
      },
    );
    expect(read.body.errors).toBeUndefined();
    expect(read.body.data._entities).toEqual([expect.objectContaining({ id: HUB }), null]);
  });

  it("may not write or read an item by id: 403 FORBIDDEN, nothing written", async () => {
    const created = await sys.queryAs(
      hubEditor,
      `mutation($k: String!) { createResource(input: { title: "Catalogue may not see", kind: GUIDE }, idempotencyKey: $k) { id } }`,
      { k: key() },
    );
    const draft = created.body.data.createResource.id;
    const before = await count("improvement-hub", "Resource");
    const attempts = [
      `mutation { createResource(input: { title: "From the catalogue", kind: GUIDE }, idempotencyKey: "catalogue-write-1") { id } }`,
      `{ resourceFromOwner(id: "${draft}") { id title } }`,
      `{ _service { sdl } resourceFromOwner(id: "${HUB}") { title } }`,
    ];
    for (const query of attempts) {
      const { status, body } = await post(sys.catalogueSigner, harvest, "improvement-hub", query);
      expect(status, `${query}: ${JSON.stringify(body)}`).toBe(403);
      expect(body.errors[0].extensions.code, query).toBe("FORBIDDEN");
      expect(body.data ?? null).toBeNull();
    }
    expect(await count("improvement-hub", "Resource")).toBe(before);
  });

  it("cannot speak for a user: a user's identity signed with it is not signed at all", async () => {
    const before = await count("improvement-hub", "Resource");
    const write = await post(
      sys.catalogueSigner,
      editor,
      "improvement-hub",
      `mutation { createResource(input: { title: "Forged by the catalogue", kind: GUIDE }, idempotencyKey: "catalogue-as-user-1") { id } }`,
    );
    expect(write.body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
    expect(await count("improvement-hub", "Resource")).toBe(before);
    // The gateway's own key still carries the user (the catalogue no longer holds it).
    const real = await post(
      sys.signer,
      editor,
      "improvement-hub",
      `mutation { createResource(input: { title: "Through the gateway", kind: GUIDE }, idempotencyKey: "gateway-as-user-1") { id } }`,
    );
    expect(real.body.errors).toBeUndefined();
  });
});

describe("a read across partners with one partner down", () => {
  it("still answers the other partner's field, and names the one that failed", async () => {
    await sys.stopPartner("leadership-academy");
    const { body } = await sys.query(
      `query($a: ID!, $b: ID!) { first: resourceFromOwner(id: $a) { id } second: resourceFromOwner(id: $b) { id } }`,
      { a: HUB, b: ACADEMY },
    );
    expect(body.data).toEqual({ first: { id: HUB }, second: null });
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]).toMatchObject({ path: ["second"], extensions: { code: "PARTNER_UNAVAILABLE" } });
    expect(JSON.stringify(body.errors[0])).toContain("leadership-academy");
  });
});

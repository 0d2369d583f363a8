// The gateway's open export, read as a harvester would and checked with real parsers: the DCAT-AP
// pages in JSON-LD (the jsonld processor, to RDF, with no remote context allowed) and in Turtle
// (n3) give the same triples, with a licence and a named publisher for every resource; the CSV of a
// filtered search (csv-parse) equals the API's pages; schema.org items; bad parameters; admission
// and rate limiting of the export routes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import jsonld from "jsonld";
import { Parser as TurtleParser } from "n3";
import { parse as parseCsv } from "csv-parse/sync";
import { startSystem, type TestSystem } from "../support/system.ts";
import { MemoryRateLimiter } from "../../lib/rate-limit/memory.ts";
import { licenceIri } from "../../schema/licences.ts";

let sys: TestSystem;
let editor: string;
/** A resource written by the test, with a licence of its own and text that needs escaping. */
let tricky: { id: string; title: string; summary: string };

const DCAT = "http://www.w3.org/ns/dcat#";
const DCT = "http://purl.org/dc/terms/";
const FOAF = "http://xmlns.com/foaf/0.1/";
const RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";

/** A document loader that refuses every URL: the export must carry its context inline. */
const noRemote = async (url: string) => {
  throw new Error(`remote context fetched: ${url}`);
};

interface Triple {
  s: string;
  p: string;
  o: string;
}
const termKey = (t: { termType: string; value: string; datatype?: { value: string }; language?: string }) =>
  t.termType === "Literal" ? `"${t.value}"^^${t.datatype?.value ?? ""}@${t.language ?? ""}` : `<${t.value}>`;

async function jsonldTriples(doc: unknown): Promise<Triple[]> {
  const quads = await jsonld.toRDF(doc, { documentLoader: noRemote });
  return quads.map((q: any) => ({ s: termKey(q.subject), p: q.predicate.value, o: termKey(q.object) }));
}
function turtleTriples(text: string): Triple[] {
  return new TurtleParser()
    .parse(text)
    .map((q: any) => ({ s: termKey(q.subject), p: q.predicate.value, o: termKey(q.object) }));
}
const asSet = (ts: Triple[]) => new Set(ts.map((t) => `${t.s} ${t.p} ${t.o}`));

async function get(path: string, base = sys.gatewayUrl) {
  const res = await fetch(new URL(path, base));
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** Every page of a DCAT export, following its Link rel="next" headers. */
async function allPages(format: "jsonld" | "ttl", first: number): Promise<{ pages: string[]; links: string[] }> {
  const pages: string[] = [];
  const links: string[] = [];
  let next: string | undefined = `/export/catalogue.${format}?first=${first}`;
  while (next) {
    const r = await get(next);
    expect(r.status, r.text).toBe(200);
    expect(r.headers.get("content-type")).toContain(format === "jsonld" ? "application/ld+json" : "text/turtle");
    pages.push(r.text);
    const link = r.headers.get("link");
    next = link ? /^<([^>]+)>; rel="next"$/.exec(link)![1] : undefined;
    if (next) links.push(next);
    expect(pages.length).toBeLessThan(50);
  }
  return { pages, links };
}

const CREATE = `mutation($input: CreateResourceInput!, $key: String!) { createResource(input: $input, idempotencyKey: $key) { id licence } }`;
const PUBLISH = `mutation($id: ID!, $key: String!) { publishResource(id: $id, idempotencyKey: $key) { id } }`;

beforeAll(async () => {
  sys = await startSystem();
  editor = await sys.token({ user: "amira", organisation: "nhs-england", roles: ["editor"] });
  const title = `Quotes " and \\ backslash, <angle> {braces} and ünïcode`;
  const summary = `=HYPERLINK("http://evil.example","click") then a line\nbreak and a tab\tand "quotes"`;
  const created = await sys.queryAs(editor, CREATE, {
    input: {
      title,
      summary,
      kind: "GUIDE",
      licence: "CC-BY-4.0",
      url: "https://example.org/guide?a=1&b=2",
      topics: ["falls"],
      drivers: ["local-control"],
    },
    key: "export-test-create-1",
  });
  expect(created.body.errors).toBeUndefined();
  const id = created.body.data.createResource.id;
  expect((await sys.queryAs(editor, PUBLISH, { id, key: "export-test-publish-1" })).body.errors).toBeUndefined();
  tricky = { id, title, summary };
  await sys.harvester.harvestAll();
}, 120_000);

afterAll(async () => {
  await sys?.close();
});

describe("resource licences", () => {
  it("a resource has its own licence, else its partner's default from the registry, else OGL-UK-3.0", async () => {
    const { body } = await sys.query(
      `{ search(filter: { kinds: [RESOURCE] }, first: 100) { edges { node { id partner { id } ... on Resource { licence } } } } }`,
    );
    const byPartner = new Map<string, Set<string>>();
    for (const { node } of body.data.search.edges) {
      if (node.id === tricky.id) continue;
      if (!byPartner.has(node.partner.id)) byPartner.set(node.partner.id, new Set());
      byPartner.get(node.partner.id)!.add(node.licence);
    }
    expect(body.data.search.edges.find((e: any) => e.node.id === tricky.id).node.licence).toBe("CC-BY-4.0");
    // leadership-academy names CC-BY-NC-SA-4.0 in schema/partners.json; improvement-hub names none.
    expect([...byPartner.get("leadership-academy")!]).toEqual(["CC-BY-NC-SA-4.0"]);
    expect([...byPartner.get("improvement-hub")!]).toEqual(["OGL-UK-3.0"]);
  });

  it("a licence outside the list is refused on write, naming the field, and nothing is written", async () => {
    const { body } = await sys.queryAs(editor, CREATE, {
      input: { title: "Bad licence", kind: "GUIDE", licence: "WTFPL" },
      key: "export-test-bad-licence",
    });
    expect(body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
    expect(body.errors[0].message).toContain("licence");
    expect(body.errors[0].message).toContain("OGL-UK-3.0");
    expect(body.data?.createResource ?? null).toBeNull();
  });
});

describe("DCAT-AP catalogue", () => {
  it("the JSON-LD and Turtle pages give the same triples, with a licence and a named publisher for every resource", async () => {
    const total = (await sys.query(`{ search(filter: { kinds: [RESOURCE] }) { totalCount } }`)).body.data.search
      .totalCount;
    const json = await allPages("jsonld", 3);
    const ttl = await allPages("ttl", 3);
    expect(json.pages.length).toBe(Math.ceil(total / 3));
    expect(json.pages.length).toBeGreaterThan(1);
    const fromJson = (await Promise.all(json.pages.map((p) => jsonldTriples(JSON.parse(p))))).flat();
    const fromTtl = ttl.pages.flatMap(turtleTriples);
    const a = asSet(fromJson);
    expect(a).toEqual(asSet(fromTtl));
    const datasets = fromJson.filter((t) => t.p === RDF_TYPE && t.o === `<${DCAT}Dataset>`).map((t) => t.s);
    expect(new Set(datasets).size).toBe(total);
    const values = (s: string, p: string) => fromJson.filter((t) => t.s === s && t.p === p).map((t) => t.o);
    for (const d of new Set(datasets)) {
      expect(values(d, `${DCT}license`), d).toHaveLength(1);
      const publisher = values(d, `${DCT}publisher`);
      expect(publisher, d).toHaveLength(1);
      expect(values(publisher[0]!, `${FOAF}name`).length, d).toBeGreaterThan(0);
      for (const p of [`${DCT}title`, `${DCT}description`, `${DCAT}landingPage`, `${DCT}modified`])
        expect(values(d, p).length, `${d} ${p}`).toBeGreaterThan(0);
    }
    // The written resource: its text survives both escapings, its licence, keyword and theme are there.
    const mine = [...new Set(datasets)].find((d) =>
      values(d, `${DCT}identifier`).some((o) => o.startsWith(`"${tricky.id}"`)),
    )!;
    expect(values(mine, `${DCT}title`)).toEqual([`"${tricky.title}"^^http://www.w3.org/2001/XMLSchema#string@`]);
    expect(values(mine, `${DCT}description`)).toEqual([
      `"${tricky.summary}"^^http://www.w3.org/2001/XMLSchema#string@`,
    ]);
    expect(values(mine, `${DCT}license`)).toEqual(["<https://spdx.org/licenses/CC-BY-4.0.html>"]);
    expect(values(mine, `${DCAT}landingPage`)).toEqual(["<https://example.org/guide?a=1&b=2>"]);
    expect(values(mine, `${DCAT}keyword`)).toEqual([`"Falls"^^http://www.w3.org/2001/XMLSchema#string@`]);
    expect(values(mine, `${DCAT}theme`)).toHaveLength(1);
  }, 60_000);

  it("bad paging parameters are a 400 with a code and the parameter, in JSON", async () => {
    for (const [query, parameter] of [
      ["first=0", "first"],
      ["first=abc", "first"],
      ["page=2", "page"],
      ["first=1&first=2", "first"],
    ]) {
      const r = await get(`/export/catalogue.ttl?${query}`);
      expect(r.status, query).toBe(400);
      const body = JSON.parse(r.text);
      expect(body.errors[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", parameter });
      expect(body.errors[0].message).toContain(parameter);
    }
    const bad = await get(`/export/catalogue.jsonld?after=not-a-cursor`);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).errors[0].extensions.code).toBe("BAD_USER_INPUT");
  });
});

describe("schema.org items", () => {
  it("a resource is a LearningResource with its licence and publisher; a project a Project; an organisation an Organization", async () => {
    const project = (await sys.query(`{ search(filter: { kinds: [PROJECT] }, first: 1) { edges { node { id } } } }`))
      .body.data.search.edges[0].node.id;
    const cases: [string, string][] = [
      [tricky.id, "LearningResource"],
      [project, "Project"],
      ["nhs-england", "Organization"],
    ];
    for (const [id, type] of cases) {
      const r = await get(`/export/items/${id}.jsonld`);
      expect(r.status, r.text).toBe(200);
      const triples = await jsonldTriples(JSON.parse(r.text));
      const subject = triples.find((t) => t.p === RDF_TYPE && t.o === `<https://schema.org/${type}>`)?.s;
      expect(subject, id).toBeDefined();
      expect(triples.some((t) => t.s === subject && t.p === "https://schema.org/name")).toBe(true);
      if (type === "LearningResource") {
        expect(triples.filter((t) => t.s === subject && t.p === "https://schema.org/license").map((t) => t.o)).toEqual([
          "<https://spdx.org/licenses/CC-BY-4.0.html>",
        ]);
        expect(triples.some((t) => t.s === subject && t.p === "https://schema.org/publisher")).toBe(true);
      }
    }
    const missing = await get(`/export/items/improvement-hub:resource:nope.jsonld`);
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.text).errors[0].extensions.code).toBe("NOT_FOUND");
  });
});

describe("search.csv", () => {
  const FIELDS = `pageInfo { hasNextPage endCursor } edges { score node { __typename id title summary stale organisation { id name } partner { id } } }`;
  async function apiPages(filter: Record<string, unknown>, sort: string) {
    const rows: any[] = [];
    let after: string | null = null;
    for (;;) {
      const { body } = await sys.query(
        `query($f: SearchFilter, $after: String) { search(filter: $f, sort: ${sort}, first: 4, after: $after) { ${FIELDS} } }`,
        { f: filter, after },
      );
      rows.push(...body.data.search.edges);
      if (!body.data.search.pageInfo.hasNextPage) return rows;
      after = body.data.search.pageInfo.endCursor;
    }
  }
  // What a spreadsheet must see: a text cell starting = + - @ is prefixed with a quote.
  const guarded = (s: string | null) => (s === null ? "" : /^[=+\-@\t\r]/.test(s) ? `'${s}` : s);

  it("the CSV of a filtered search, read in pages of 3, equals the API's pages, with formula cells guarded", async () => {
    const gw = await sys.startGateway({ export: { csvPageSize: 3 } });
    const filter = { kinds: ["RESOURCE", "PROJECT"], topics: ["falls", "quality-improvement"] };
    const expected = await apiPages(filter, "TITLE");
    expect(expected.length).toBeGreaterThan(3);
    const r = await get(
      `/export/search.csv?kinds=RESOURCE,PROJECT&topics=falls&topics=quality-improvement&sort=TITLE`,
      gw.url,
    );
    expect(r.status, r.text).toBe(200);
    expect(r.headers.get("content-type")).toContain("text/csv");
    const records: Record<string, string>[] = parseCsv(r.text, { columns: true });
    expect(records.map((x) => x.id)).toEqual(expected.map((e) => e.node.id));
    records.forEach((rec, i) => {
      const n = expected[i].node;
      expect(rec).toMatchObject({
        kind: n.__typename,
        title: guarded(n.title),
        summary: guarded(n.summary),
        organisation: n.organisation.id,
        organisation_name: n.organisation.name,
        partner: n.partner.id,
        stale: String(n.stale),
      });
    });
    const mine = records.find((x) => x.id === tricky.id)!;
    expect(mine.summary).toBe(`'${tricky.summary}`);
  });

  it("MAX_RESPONSE_BYTES bounds each page of the stream, not the whole export", async () => {
    // 6,000 bytes holds a page of 3 results but not every page of a search for everything.
    const gw = await sys.startGateway({
      export: { csvPageSize: 3 },
      admission: { maxInflightRequests: 0, maxInflightBytes: 0, maxResponseBytes: 6000 },
    });
    const r = await get(`/export/search.csv?sort=TITLE`, gw.url);
    expect(r.status, r.text).toBe(200);
    const total = (await sys.query(`{ search { totalCount } }`)).body.data.search.totalCount;
    expect(parseCsv(r.text, { columns: true })).toHaveLength(total);
    expect(r.text.length).toBeGreaterThan(6000);
  });

  it("a query and sort are passed on; bad parameters are a 400 in JSON with a code and message, never a trace", async () => {
    const r = await get(`/export/search.csv?query=falls&sort=NEWEST`);
    expect(r.status).toBe(200);
    const expected = (
      await sys.query(`{ search(query: "falls", sort: NEWEST, first: 100) { edges { node { id } } } }`)
    ).body.data.search.edges.map((e: any) => e.node.id);
    expect(parseCsv(r.text, { columns: true }).map((x: any) => x.id)).toEqual(expected);
    for (const [query, parameter] of [
      ["sort=BEST", "sort"],
      ["colour=red", "colour"],
      ["query=a&query=b", "query"],
    ]) {
      const bad = await get(`/export/search.csv?${query}`);
      expect(bad.status, query).toBe(400);
      expect(bad.headers.get("content-type")).toContain("application/json");
      const body = JSON.parse(bad.text);
      expect(body.errors[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", parameter });
    }
    // Values are validated by the catalogue's search, as for the API: same code, and its message.
    const unknownTopic = await get(`/export/search.csv?topics=no-such-topic`);
    expect(unknownTopic.status).toBe(400);
    const body = JSON.parse(unknownTopic.text);
    expect(body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
    expect(body.errors[0].message).toContain("topics");
    expect(unknownTopic.text).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe("export routes at the edge", () => {
  it("are refused 503 with Retry-After when the gateway has no in-flight slot left", async () => {
    const gw = await sys.startGateway({
      admission: { maxInflightRequests: 1, maxInflightBytes: 0, maxResponseBytes: 0 },
    });
    const held = gw.admission.admit()!;
    try {
      for (const path of ["/export/catalogue.ttl", "/export/search.csv", "/export/items/nhs-england.jsonld"]) {
        const r = await get(path, gw.url);
        expect(r.status, path).toBe(503);
        expect(r.headers.get("retry-after")).toBe("1");
        expect(JSON.parse(r.text).errors[0].extensions.code).toBe("OVERLOADED");
      }
    } finally {
      held.release();
    }
    expect((await get("/export/catalogue.ttl", gw.url)).status).toBe(200);
  });

  it("count against the rate limit", async () => {
    const gw = await sys.startGateway({ limiter: new MemoryRateLimiter(2, 60_000) });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await get("/export/items/nhs-england.jsonld", gw.url)).status);
    expect(statuses).toEqual([200, 200, 429]);
  });
});

// Last: it stops a partner of the shared system.
describe("a partner down", () => {
  it("its resources stay in the DCAT export from the index, with their publisher and the licence their owner stated", async () => {
    // What the owner states while it is up: the licence of each of its resources.
    const { body } = await sys.query(
      `query { search(filter: { kinds: [RESOURCE], organisations: ["nhs-leadership-academy"] }, first: 100) { edges { node { id ... on Resource { licence } } } } }`,
    );
    const stated = new Map<string, string>(body.data.search.edges.map((e: any) => [e.node.id, e.node.licence]));
    await sys.stopPartner("leadership-academy");
    const r = await get(`/export/catalogue.ttl?first=100`);
    expect(r.status).toBe(200);
    const triples = turtleTriples(r.text);
    const values = (s: string, p: string) => triples.filter((t) => t.s === s && t.p === p).map((t) => t.o);
    const theirs = triples
      .filter((t) => t.p === `${DCT}identifier` && t.o.startsWith('"leadership-academy:'))
      .map((t) => t.s);
    expect(theirs.length).toBeGreaterThan(0);
    for (const d of theirs) {
      expect(values(d, `${DCT}publisher`), d).toHaveLength(1);
      expect(values(d, `${DCT}title`), d).toHaveLength(1);
      const id = /^"([^"]*)"/.exec(values(d, `${DCT}identifier`)[0]!)![1]!;
      expect(stated.get(id), id).toEqual(expect.any(String));
      expect(values(d, `${DCT}license`), d).toEqual([`<${licenceIri(stated.get(id)!)}>`]);
    }
  });
});

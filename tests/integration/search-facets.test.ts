// Faceted search, filters, sorting, ranking and similar work through the gateway, over every demo
// partner. Expected answers are computed here, in JS, from the partners' own data: every item with
// its live fields (kind, status, region, topics, drivers and their conditions, settings, updatedAt)
// as the owning partner serves them, and the registry for its partner's organisation and region.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSystem, type TestSystem } from "../support/system.ts";
import { writeProjects } from "../../subgraphs/projects/seed.ts";
import { projectSeed } from "../../subgraphs/projects/seed-schema.ts";

let sys: TestSystem;

type Dimension =
  | "KIND"
  | "ORGANISATION"
  | "CONDITION"
  | "DRIVER"
  | "TOPIC"
  | "SETTING"
  | "REGION"
  | "RESOURCE_KIND"
  | "PROJECT_STATUS"
  | "MEASURE_VARIATION";
const DIMENSIONS: [Dimension, string][] = [
  ["KIND", "kinds"],
  ["ORGANISATION", "organisations"],
  ["CONDITION", "conditions"],
  ["DRIVER", "drivers"],
  ["TOPIC", "topics"],
  ["SETTING", "settings"],
  ["REGION", "regions"],
  ["RESOURCE_KIND", "resourceKinds"],
  ["PROJECT_STATUS", "projectStatuses"],
  ["MEASURE_VARIATION", "variations"],
];

interface Item {
  id: string;
  typename: string;
  title: string;
  partner: string;
  updatedAt: string;
  values: Record<Dimension, string[]>;
}

type Filter = Record<string, string[]>;

const LIVE = `__typename id title
  partner { id organisation { id } region { id } }
  ... on Resource { kind updatedAt topics { id } drivers { id condition { id } } settings { id } }
  ... on Network { updatedAt region { id } topics { id } drivers { id condition { id } } settings { id } }
  ... on Project { status updatedAt region { id } topics { id } drivers { id condition { id } } settings { id } measures { spc { status variation } } }`;

const ids = (xs: { id: string }[] | null) => (xs ?? []).map((x) => x.id);

function toItem(n: any): Item {
  return {
    id: n.id,
    typename: n.__typename,
    title: n.title,
    partner: n.partner.id,
    updatedAt: n.updatedAt,
    values: {
      KIND: [n.__typename.toUpperCase()],
      ORGANISATION: [n.partner.organisation.id],
      CONDITION: [...new Set<string>((n.drivers ?? []).map((d: any) => d.condition.id))],
      DRIVER: ids(n.drivers),
      TOPIC: ids(n.topics),
      SETTING: ids(n.settings),
      // A resource has no region of its own: it is its partner's.
      REGION: [n.region?.id ?? n.partner.region.id],
      RESOURCE_KIND: n.kind ? [n.kind] : [],
      PROJECT_STATUS: n.status ? [n.status] : [],
      MEASURE_VARIATION: [
        ...new Set<string>(
          (n.measures ?? []).filter((m: any) => m.spc.status === "OK").map((m: any) => m.spc.variation),
        ),
      ],
    },
  };
}

/** Every search result (all pages), with live fields; fails on any error so that data is complete. */
async function fetchAll(
  args: { query?: string; filter?: Filter; sort?: string } = {},
  fields = LIVE,
): Promise<{ items: any[]; totalCount: number }> {
  const items: any[] = [];
  let after: string | null = null;
  for (let page = 0; page < 20; page++) {
    const { body }: any = await sys.query(
      `query($q: String, $f: SearchFilter, $s: SearchSort, $after: String) { search(query: $q, filter: $f, sort: $s, first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { ${fields} } } } }`,
      { q: args.query ?? null, f: args.filter ?? null, s: args.sort ?? null, after },
    );
    expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
    items.push(...body.data.search.edges.map((e: any) => e.node));
    if (!body.data.search.pageInfo.hasNextPage) return { items, totalCount: body.data.search.totalCount };
    after = body.data.search.pageInfo.endCursor;
  }
  throw new Error("more than 20 pages");
}

let ALL: Item[];
/** Ids matching each query used below, as search answers them (the text match is PostgreSQL's). */
const TEXT = new Map<string, Set<string>>();

function matches(item: Item, f: Filter, except?: Dimension): boolean {
  if (f.partners?.length && !f.partners.includes(item.partner)) return false;
  return DIMENSIONS.every(
    ([d, field]) => d === except || !f[field]?.length || item.values[d].some((v) => f[field]!.includes(v)),
  );
}

function expectedFacets(query: string | undefined, f: Filter) {
  const pool = query ? ALL.filter((i) => TEXT.get(query)!.has(i.id)) : ALL;
  return Object.fromEntries(
    DIMENSIONS.map(([d, field]) => {
      const counts: Record<string, number> = {};
      for (const item of pool)
        if (matches(item, f, d)) for (const v of item.values[d]) counts[v] = (counts[v] ?? 0) + 1;
      for (const v of f[field] ?? []) counts[v] ??= 0;
      return [d, counts];
    }),
  );
}

const FACETS = `facets { dimension values { value label count } }`;

async function facetsOf(query: string | undefined, filter: Filter) {
  const { body } = await sys.query(
    `query($q: String, $f: SearchFilter) { search(query: $q, filter: $f, first: 1) { totalCount ${FACETS} } }`,
    { q: query ?? null, f: filter },
  );
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data.search as {
    totalCount: number;
    facets: { dimension: Dimension; values: { value: string; label: string; count: number }[] }[];
  };
}

const asCounts = (facets: { dimension: Dimension; values: { value: string; count: number }[] }[]) =>
  Object.fromEntries(facets.map((f) => [f.dimension, Object.fromEntries(f.values.map((v) => [v.value, v.count]))]));

beforeAll(async () => {
  sys = await startSystem();
  // Two Bridgewater projects for the ranking test: an unusual word in one title, and in the other's aim only.
  const extra = [
    { local: "kaleidoscope-rota", title: "Kaleidoscope rota pilot", aim: "Fill every shift in the pilot ward" },
    { local: "ward-rota", title: "Ward rota pilot", aim: "Use a kaleidoscope of shift patterns to fill every shift" },
  ].map((p) =>
    projectSeed.parse({
      ...p,
      summary: "A staffing pilot.",
      status: "PLANNING",
      region: "north-west",
      topics: ["delirium"],
      drivers: ["local-control"],
      settings: ["mental-health"],
    }),
  );
  await writeProjects(sys.partners.get("bridgewater")!.db.prisma as never, extra);
  await sys.harvester.harvestAll();
  ALL = (await fetchAll()).items.map(toItem);
  for (const q of ["falls", "care homes", "leadership", "postpartum"])
    TEXT.set(q, new Set((await fetchAll({ query: q }, "id")).items.map((n) => n.id)));
});
afterAll(async () => {
  await sys?.close();
});

describe("facet counts", () => {
  const cases: [string, string | undefined, Filter][] = [
    ["no query, no filter", undefined, {}],
    ["a query", "falls", {}],
    ["one topic", undefined, { topics: ["falls"] }],
    [
      "disjunctive: two topics and two kinds",
      undefined,
      { topics: ["falls", "postpartum-haemorrhage"], kinds: ["PROJECT", "RESOURCE"] },
    ],
    [
      "a query, a setting and resource kinds",
      "care homes",
      { settings: ["care-homes"], resourceKinds: ["CASE_STUDY", "TOOLKIT"] },
    ],
    [
      "a condition, statuses and a region",
      undefined,
      { conditions: ["condition-4"], projectStatuses: ["ACTIVE", "COMPLETED"], regions: ["east-of-england", "london"] },
    ],
    [
      "organisations, drivers and a partner",
      "leadership",
      {
        organisations: ["nhs-leadership-academy", "partners-in-care"],
        drivers: ["staff-development"],
        partners: ["leadership-academy", "pic-networks", "pic-projects"],
      },
    ],
    ["a selected value nothing matches", "postpartum", { topics: ["delirium"] }],
  ];

  it.each(cases)("equal a brute-force count from the partners' data: %s", async (_, query, filter) => {
    const result = await facetsOf(query, filter);
    expect(result.facets.map((f) => f.dimension)).toEqual(DIMENSIONS.map(([d]) => d));
    expect(asCounts(result.facets)).toEqual(expectedFacets(query, filter));
    const pool = query ? ALL.filter((i) => TEXT.get(query)!.has(i.id)) : ALL;
    expect(result.totalCount).toBe(pool.filter((i) => matches(i, filter)).length);
    // Most frequent first, then by value.
    for (const f of result.facets)
      for (let i = 1; i < f.values.length; i++) {
        const [a, b] = [f.values[i - 1]!, f.values[i]!];
        expect(
          a.count > b.count || (a.count === b.count && a.value < b.value),
          `${f.dimension}: ${a.value} before ${b.value}`,
        ).toBe(true);
      }
  });

  it("show the alternatives within a selected dimension, and the selected kinds add up to the total", async () => {
    const result = await facetsOf(undefined, { kinds: ["PROJECT"], topics: ["falls"] });
    const kind = Object.fromEntries(
      result.facets.find((f) => f.dimension === "KIND")!.values.map((v) => [v.value, v.count]),
    );
    expect(kind.RESOURCE).toBeGreaterThan(0);
    expect(kind.PROJECT).toBe(result.totalCount);
    expect(kind.PROJECT).toBe(ALL.filter((i) => i.typename === "Project" && i.values.TOPIC.includes("falls")).length);
    const topics = result.facets.find((f) => f.dimension === "TOPIC")!.values.map((v) => v.value);
    expect(topics).toEqual(expect.arrayContaining(["falls", "postpartum-haemorrhage", "management-development"]));
    // Resource kinds do not apply to projects: with only projects selected, there are none.
    expect(result.facets.find((f) => f.dimension === "RESOURCE_KIND")!.values).toEqual([]);
  });

  it("with includeEmptyFacets, list every region, condition and organisation, those matching nothing with 0", async () => {
    const q = `query($e: Boolean) { search(query: "falls", first: 1, includeEmptyFacets: $e) { totalCount ${FACETS} }
      regions { id } organisations { id } framework { conditions { id } } }`;
    const plain = (await sys.query(q, { e: false })).body;
    const { body } = await sys.query(q, { e: true });
    expect(body.errors).toBeUndefined();
    const facet = (b: any, d: string) =>
      new Map<string, number>(
        b.data.search.facets.find((f: any) => f.dimension === d).values.map((v: any) => [v.value, v.count]),
      );
    for (const [d, ids] of [
      ["REGION", body.data.regions.map((r: any) => r.id)],
      ["CONDITION", body.data.framework.conditions.map((c: any) => c.id)],
      ["ORGANISATION", body.data.organisations.map((o: any) => o.id)],
    ] as [string, string[]][]) {
      const all = facet(body, d);
      const nonEmpty = facet(plain, d);
      expect([...all.keys()].sort(), d).toEqual([...ids].sort());
      // The counts are the same search's: what had a count keeps it, everything else is 0.
      for (const [v, n] of all) expect(n, `${d}:${v}`).toBe(nonEmpty.get(v) ?? 0);
      expect([...all.values()].filter((n) => n === 0).length, d).toBe(ids.length - nonEmpty.size);
    }
    // The demo has nothing about falls in the Midlands: shown as 0, where it used to be absent.
    expect(facet(body, "REGION").get("midlands")).toBe(0);
    expect(facet(plain, "REGION").has("midlands")).toBe(false);
    expect(body.data.search.totalCount).toBe(plain.data.search.totalCount);
  });

  it("are labelled with vocabulary, directory and enum names", async () => {
    const { body } = await sys.query(`{
      search(first: 1) { ${FACETS} }
      topics { id name } settings { id name } regions { id name } organisations { id name }
      framework { conditions { id name drivers { id name } } }
    }`);
    expect(body.errors).toBeUndefined();
    const names = new Map<string, string>();
    for (const [d, list] of [
      ["TOPIC", body.data.topics],
      ["SETTING", body.data.settings],
      ["REGION", body.data.regions],
      ["ORGANISATION", body.data.organisations],
      ["CONDITION", body.data.framework.conditions],
      ["DRIVER", body.data.framework.conditions.flatMap((c: any) => c.drivers)],
    ] as [string, { id: string; name: string }[]][])
      for (const x of list) names.set(`${d}:${x.id}`, x.name);
    let checked = 0;
    for (const f of body.data.search.facets)
      for (const v of f.values) {
        const expected = ["KIND", "RESOURCE_KIND", "PROJECT_STATUS", "MEASURE_VARIATION"].includes(f.dimension)
          ? v.value
          : names.get(`${f.dimension}:${v.value}`);
        expect(v.label, `${f.dimension}:${v.value}`).toBe(expected);
        checked++;
      }
    expect(checked).toBeGreaterThan(60);
    const org = body.data.search.facets
      .find((f: any) => f.dimension === "ORGANISATION")
      .values.find((v: any) => v.value === "essex-cc");
    expect(org.label).toBe("Essex County Council");
  });
});

describe("totals and filters", () => {
  it("totalCount is consistent across partners: each partner's total is its items, and they add up", async () => {
    const { body } = await sys.query(`{ search(first: 1) { totalCount } partners { id kind itemCount } }`);
    const partners = body.data.partners.filter((p: any) => p.kind !== "catalogue");
    let sum = 0;
    for (const p of partners) {
      const { body: one } = await sys.query(`query($f: SearchFilter) { search(filter: $f, first: 1) { totalCount } }`, {
        f: { partners: [p.id] },
      });
      const expected = ALL.filter((i) => i.partner === p.id).length;
      expect(one.data.search.totalCount, p.id).toBe(expected);
      expect(p.itemCount, p.id).toBe(expected);
      sum += expected;
    }
    expect(body.data.search.totalCount).toBe(sum);
    expect(sum).toBe(ALL.length);
    expect(new Set(ALL.map((i) => i.partner)).size).toBe(partners.length);
  });

  const filters: [string, Filter][] = [
    ["kinds", { kinds: ["NETWORK"] }],
    ["partners", { partners: ["slpsc", "essex-cc"] }],
    ["organisations", { organisations: ["slpsc"] }],
    ["conditions", { conditions: ["condition-2"] }],
    ["drivers", { drivers: ["data-systems", "talent-management"] }],
    ["topics", { topics: ["sepsis"] }],
    ["settings", { settings: ["maternity"] }],
    ["regions", { regions: ["south-west"] }],
    ["resourceKinds", { resourceKinds: ["ASSESSMENT_TOOL", "COURSE"] }],
    ["projectStatuses", { projectStatuses: ["SUSTAINING", "COMPLETED"] }],
  ];

  it.each(filters)("filter on %s selects exactly the matching items", async (_, filter) => {
    const expected = ALL.filter((i) => matches(i, filter)).map((i) => i.id);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(ALL.length);
    const { items, totalCount } = await fetchAll({ filter }, "id");
    expect(new Set(items.map((n) => n.id))).toEqual(new Set(expected));
    expect(totalCount).toBe(expected.length);
  });

  it.each([
    ["conditions", ["condition-1", "condition-9"], "1"],
    ["resourceKinds", ["PODCAST"], "0"],
    ["projectStatuses", ["ACTIVE", "COMPLETED", "ABANDONED"], "2"],
  ])("refuses an unknown %s value with BAD_USER_INPUT on its path", async (field, values, index) => {
    const { body } = await sys.query(`query($f: SearchFilter) { search(filter: $f) { totalCount } }`, {
      f: { [field]: values },
    });
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      argumentPath: ["filter", field, index],
    });
  });
});

describe("sorting", () => {
  const byNewest = (a: Item, b: Item) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt) || (a.id < b.id ? -1 : 1);
  const byTitle = (a: Item, b: Item) => {
    const [x, y] = [a.title.toLowerCase(), b.title.toLowerCase()];
    return x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : 1;
  };

  it("NEWEST: most recently updated first (live updatedAt), ties by id", async () => {
    const { items } = await fetchAll({ sort: "NEWEST" }, "id");
    expect(items.map((n) => n.id)).toEqual([...ALL].sort(byNewest).map((i) => i.id));
  });

  it("RELEVANCE without a query is NEWEST", async () => {
    expect((await fetchAll({}, "id")).items).toEqual((await fetchAll({ sort: "NEWEST" }, "id")).items);
  });

  it("TITLE: A to Z ignoring case, ties by id, also page by page", async () => {
    const expected = ALL.filter((i) => i.typename !== "Network")
      .sort(byTitle)
      .map((i) => i.id);
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 30; page++) {
      const { body }: any = await sys.query(
        `query($after: String) { search(filter: { kinds: [RESOURCE, PROJECT] }, sort: TITLE, first: 7, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id } } } }`,
        { after },
      );
      expect(body.errors).toBeUndefined();
      seen.push(...body.data.search.edges.map((e: any) => e.node.id));
      if (!body.data.search.pageInfo.hasNextPage) break;
      after = body.data.search.pageInfo.endCursor;
    }
    expect(seen).toEqual(expected);
  });

  it("refuses a cursor from a search with another sort", async () => {
    const { body } = await sys.query(`{ search(sort: TITLE, first: 3) { pageInfo { endCursor } } }`);
    const after = body.data.search.pageInfo.endCursor;
    for (const sort of ["NEWEST", "RELEVANCE"]) {
      const res = await sys.query(
        `query($after: String, $s: SearchSort) { search(sort: $s, first: 3, after: $after) { totalCount } }`,
        { after, s: sort },
      );
      expect(res.body.errors?.[0]?.extensions, sort).toMatchObject({ code: "BAD_USER_INPUT", argumentPath: ["after"] });
    }
    const same = await sys.query(
      `query($after: String) { search(sort: TITLE, first: 3, after: $after) { edges { node { id } } } }`,
      { after },
    );
    expect(same.body.errors).toBeUndefined();
    expect(same.body.data.search.edges).toHaveLength(3);
  });
});

describe("ranking", () => {
  it("ranks a word in one item's title above the same word (stemmed) only in another's body", async () => {
    const { body } = await sys.query(`{ search(query: "kaleidoscopes") { edges { score node { id title } } } }`);
    expect(body.errors).toBeUndefined();
    const edges = body.data.search.edges;
    expect(edges.map((e: any) => e.node.id)).toEqual([
      "bridgewater:project:kaleidoscope-rota",
      "bridgewater:project:ward-rota",
    ]);
    expect(edges[0].score).toBeGreaterThan(edges[1].score);
  });
});

describe("similar work", () => {
  const SOURCE = "essex-cc:project:care-home-safety";
  const SIMILAR = `id title partner { id } topics { id } drivers { id } settings { id }`;

  it("similar projects share something with the project, never include it, come from several partners; the Essex falls projects first", async () => {
    const { body } = await sys.query(
      `{ project(id: "${SOURCE}") { topics { id } drivers { id } settings { id } similarProjects(first: 20) { ${SIMILAR} } } }`,
    );
    expect(body.errors).toBeUndefined();
    const p = body.data.project;
    const similar = p.similarProjects;
    expect(similar.length).toBeGreaterThan(3);
    expect(similar.map((s: any) => s.id)).not.toContain(SOURCE);
    const own = {
      topics: new Set(ids(p.topics)),
      drivers: new Set(ids(p.drivers)),
      settings: new Set(ids(p.settings)),
    };
    const sharedBy = (s: any) =>
      ids(s.topics).filter((t) => own.topics.has(t)).length +
      ids(s.drivers).filter((t) => own.drivers.has(t)).length +
      ids(s.settings).filter((t) => own.settings.has(t)).length;
    for (const s of similar) expect(sharedBy(s), s.id).toBeGreaterThan(0);
    expect(new Set(similar.map((s: any) => s.partner.id)).size).toBeGreaterThan(1);
    // The two other Essex falls projects first; projects sharing no topic come after every one sharing one.
    expect(
      similar
        .slice(0, 2)
        .map((s: any) => s.id)
        .sort(),
    ).toEqual(["essex-cc:project:care-home-hydration", "essex-cc:project:post-falls-huddles"]);
    const sharesTopic = similar.map((s: any) => ids(s.topics).some((t) => own.topics.has(t)));
    expect(sharesTopic.lastIndexOf(true)).toBeLessThan(
      sharesTopic.indexOf(false) === -1 ? Infinity : sharesTopic.indexOf(false),
    );
    // Unrelated work (the added staffing pilots share nothing) is not similar at all.
    expect(similar.map((s: any) => s.id)).not.toContain("bridgewater:project:ward-rota");
    // first limits the list, keeping its order.
    const five = await sys.query(`{ project(id: "${SOURCE}") { similarProjects { id } } }`);
    expect(five.body.data.project.similarProjects.map((s: any) => s.id)).toEqual(
      similar.slice(0, 5).map((s: any) => s.id),
    );
  });

  it("related resources are resources from any partner that share something, never the resource itself", async () => {
    const id = "improvement-hub:resource:case-study-essex-care-homes";
    const { body } = await sys.query(
      `{ resource(id: "${id}") { topics { id } related(first: 10) { __typename ${SIMILAR} } } }`,
    );
    expect(body.errors).toBeUndefined();
    const related = body.data.resource.related;
    expect(related).toHaveLength(10);
    expect(related.map((r: any) => r.id)).not.toContain(id);
    for (const r of related) expect(r.__typename).toBe("Resource");
    expect(new Set(related.map((r: any) => r.partner.id))).toEqual(new Set(["improvement-hub", "leadership-academy"]));
    // The evaluation of the same programme shares all five topics: it comes first.
    expect(related[0].id).toBe("improvement-hub:resource:ucl-evaluation-care-homes");
  });

  it("answers on projects found by search and on projects of a network", async () => {
    const { body } = await sys.query(`{
      search(query: "falls", filter: { kinds: [PROJECT] }) { edges { node { id ... on Project { similarProjects(first: 2) { id aim } } } } }
      network(id: "slpsc:network:maternity-cop") { projects { id similarProjects(first: 1) { id title } } }
    }`);
    expect(body.errors).toBeUndefined();
    for (const e of body.data.search.edges) {
      expect(e.node.similarProjects).toHaveLength(2);
      for (const s of e.node.similarProjects) {
        expect(s.id).not.toBe(e.node.id);
        // Live fields of similar projects come from their owners.
        expect(s.aim).toEqual(expect.any(String));
      }
    }
    const projects = body.data.network.projects;
    expect(projects.length).toBeGreaterThan(0);
    for (const p of projects) expect(p.similarProjects).toHaveLength(1);
  });

  it.each([0, 21, -3])("refuses first: %i with BAD_USER_INPUT on [first]", async (first) => {
    const { body } = await sys.query(
      `query($n: Int) { project(id: "${SOURCE}") { title similarProjects(first: $n) { id } } resource(id: "improvement-hub:resource:safety-thermometer") { related(first: $n) { id } } }`,
      { n: first },
    );
    expect(body.errors?.length).toBeGreaterThanOrEqual(2);
    for (const e of body.errors) {
      expect(e.extensions).toMatchObject({ code: "BAD_USER_INPUT", argumentPath: ["first"] });
      expect(e.message).toMatch(/between 1 and 20/);
    }
    expect(body.errors.map((e: any) => e.path.join("."))).toEqual(
      expect.arrayContaining(["project.similarProjects", "resource.related"]),
    );
  });
});

describe("statements per search", () => {
  async function catalogueStatements(query: string, variables: Record<string, unknown>) {
    const db = sys.partners.get("national-catalogue")!.db;
    const before = db.statements.count;
    const { body } = await sys.query(query, variables);
    expect(body.errors).toBeUndefined();
    return { statements: db.statements.count - before, body };
  }

  it("a search with facets costs the same for a page of 5 and a page of 50: page, count and facets", async () => {
    const q = `query($first: Int) { search(first: $first) { totalCount edges { node { id title organisation { name } } } ${FACETS} } }`;
    await catalogueStatements(q, { first: 3 }); // warm-up
    const small = await catalogueStatements(q, { first: 5 });
    const large = await catalogueStatements(q, { first: 50 });
    expect(large.body.data.search.edges).toHaveLength(50);
    expect(small.body.data.search.edges).toHaveLength(5);
    expect(large.statements).toBe(small.statements);
    expect(small.statements).toBe(3);
  });

  it("a page of projects asking for similar projects costs one statement more, whatever its size", async () => {
    const q = `query($first: Int) { search(filter: { kinds: [PROJECT] }, first: $first) { edges { node { id ... on Project { similarProjects(first: 3) { id title } } } } } }`;
    await catalogueStatements(q, { first: 1 }); // warm-up
    const small = await catalogueStatements(q, { first: 2 });
    const large = await catalogueStatements(q, { first: 11 });
    expect(large.body.data.search.edges).toHaveLength(11);
    for (const e of large.body.data.search.edges) expect(e.node.similarProjects.length).toBeGreaterThan(0);
    expect(large.statements).toBe(small.statements);
    expect(small.statements).toBe(3);
  });
});

// The catalogue's search index on its own database (no partners, no gateway): a few hundred
// generated items, and every facet count, filter, total and sort order checked against a
// brute-force answer computed here in JS, over many random query/filter combinations. Also the
// ranking (title above body) and similar work on small hand-made data.
//
// Embedded PGlite by default; with TEST_DATABASE_URL, a fresh database on that server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { randomUUID } from "node:crypto";
import { openDatabase, type OpenedDatabase, type Store } from "../../lib/db/open.ts";
import { KIND_PRISMA } from "../../subgraphs/shared/prisma-paths.ts";
import { PrismaClient } from "../../subgraphs/catalogue/generated/prisma/client.ts";
import { upsertItems, type IndexedItem } from "../../subgraphs/catalogue/data/items.ts";
import { parseSearchArgs, search, searchFacets, type SearchArgs } from "../../subgraphs/catalogue/data/search.ts";
import { similarLoader } from "../../subgraphs/catalogue/data/similar.ts";
import { FACET_DIMENSIONS, facetsOf, type FacetDimension } from "../../subgraphs/catalogue/harvest/facets.ts";
import { CONDITION_IDS, DRIVERS, DRIVER_IDS, REGION_IDS, SETTING_IDS, TOPIC_IDS } from "../../schema/vocabulary.ts";
import { contractEnum } from "../../schema/contracts.ts";
import organisations from "../../schema/organisations.json" with { type: "json" };

const ORGANISATION_IDS = organisations.organisations.map((o) => o.id);
const RESOURCE_KINDS = contractEnum("resources", "ResourceKind");
const PROJECT_STATUSES = contractEnum("projects", "ProjectStatus");
const NETWORK_TYPES = contractEnum("networks", "NetworkType");
const PARTNERS = ["alpha-res", "beta-res", "gamma-net", "delta-proj", "epsilon-proj"];
const TYPENAME_OF_PARTNER: Record<string, IndexedItem["typename"]> = {
  "alpha-res": "Resource",
  "beta-res": "Resource",
  "gamma-net": "Network",
  "delta-proj": "Project",
  "epsilon-proj": "Project",
};
// Words that the English stemmer keeps apart, so that "contains the word" is what @@ decides.
const WORDS = ["apple", "banana", "cherry", "damson", "elder", "fig", "grape", "hazel"];
const CONDITION_OF = new Map<string, string>(DRIVERS.map((d) => [d.id, d.condition]));

let db: OpenedDatabase<PrismaClient>;
let dropDatabase: (() => Promise<void>) | undefined;

async function store(): Promise<Store> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) return { kind: "embedded" };
  const name = `t_search_index_${randomUUID().slice(0, 8)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  dropDatabase = async () => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.end();
  };
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { kind: "postgres", url: url.toString() };
}

// A small deterministic PRNG (mulberry32), so that a failure can be replayed.
function prng(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]) => xs[int(xs.length)]!;
  const some = <T>(xs: readonly T[], max: number) => [...new Set(Array.from({ length: int(max + 1) }, () => pick(xs)))];
  return { next, int, pick, some };
}

interface Generated {
  item: IndexedItem;
  /** The kind-specific value of the item, by dimension. */
  kindValue: { dimension: FacetDimension; value: string } | null;
  words: Set<string>;
}

function generate(n: number, seed: number): Generated[] {
  const r = prng(seed);
  return Array.from({ length: n }, (_, i) => {
    const partnerId = r.pick(PARTNERS);
    const typename = TYPENAME_OF_PARTNER[partnerId]!;
    const titleWords = r.some(WORDS, 2);
    const bodyWords = r.some(WORDS, 2);
    const kindValue =
      typename === "Resource"
        ? { dimension: "RESOURCE_KIND" as const, value: r.pick(RESOURCE_KINDS) }
        : typename === "Project"
          ? { dimension: "PROJECT_STATUS" as const, value: r.pick(PROJECT_STATUSES) }
          : null;
    const kindSpecific = kindValue
      ? [`${kindValue.dimension === "RESOURCE_KIND" ? "resourceKind" : "projectStatus"}:${kindValue.value}`]
      : [`networkType:${r.pick(NETWORK_TYPES)}`];
    const base = {
      id: `${partnerId}:${typename.toLowerCase()}:item-${String(i).padStart(3, "0")}`,
      typename,
      partnerId,
      organisationId: r.pick(ORGANISATION_IDS.slice(0, 8)),
      // Mixed case, so that TITLE order must ignore case.
      title: `${r.next() < 0.5 ? "The" : "a"} ${titleWords.join(" ")} item ${i}`,
      summary: r.next() < 0.3 ? null : "generated",
      body: `${bodyWords.join(" ")} text`,
      topics: r.some(TOPIC_IDS.slice(0, 8), 3),
      // The last drivers and settings are left to the hand-made items of "similar work".
      settings: r.some(SETTING_IDS.slice(0, 6), 2),
      drivers: r.some(DRIVER_IDS.slice(0, 12), 3),
      regionId: r.next() < 0.15 ? null : r.pick(REGION_IDS.slice(0, 5)),
      networkId: null,
      resourceIds: [],
      linkedIds: [],
      // Few distinct times, so that NEWEST has ties to break by id.
      updatedAt: new Date(Date.UTC(2026, 0, 1 + r.int(12))).toISOString(),
    };
    return {
      item: { ...base, facets: facetsOf(base, kindSpecific) },
      kindValue,
      words: new Set([...titleWords, ...bodyWords]),
    };
  });
}

/** The values an item has in each facet dimension, straight from its fields (not from its facets). */
function valuesOf(g: Generated): Record<FacetDimension, string[]> {
  const it = g.item;
  return {
    KIND: [it.typename.toUpperCase()],
    ORGANISATION: [it.organisationId],
    CONDITION: [...new Set(it.drivers.map((d) => CONDITION_OF.get(d)!))],
    DRIVER: it.drivers,
    TOPIC: it.topics,
    SETTING: it.settings,
    REGION: it.regionId ? [it.regionId] : [],
    RESOURCE_KIND: g.kindValue?.dimension === "RESOURCE_KIND" ? [g.kindValue.value] : [],
    PROJECT_STATUS: g.kindValue?.dimension === "PROJECT_STATUS" ? [g.kindValue.value] : [],
    // Generated items carry no measures, so no variation values.
    MEASURE_VARIATION: [],
  };
}

function matches(g: Generated, args: SearchArgs, except?: FacetDimension): boolean {
  if (args.query && !g.words.has(args.query)) return false;
  const f = args.filter ?? {};
  if (f.partners?.length && !f.partners.includes(g.item.partnerId)) return false;
  const values = valuesOf(g);
  return FACET_DIMENSIONS.every((d) => {
    const selected = f[d.filter];
    return (
      d.dimension === except || !selected?.length || values[d.dimension].some((v) => (selected as string[]).includes(v))
    );
  });
}

function bruteFacets(items: Generated[], args: SearchArgs) {
  return FACET_DIMENSIONS.map((d) => {
    const counts = new Map<string, number>();
    for (const g of items)
      if (matches(g, args, d.dimension))
        for (const v of valuesOf(g)[d.dimension]) counts.set(v, (counts.get(v) ?? 0) + 1);
    for (const v of (args.filter?.[d.filter] ?? []) as string[]) if (!counts.has(v)) counts.set(v, 0);
    const values = [...counts].map(([value, count]) => ({ value, count }));
    values.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
    return { dimension: d.dimension, values };
  });
}

const UNIVERSE: Record<string, readonly string[]> = {
  kinds: ["RESOURCE", "NETWORK", "PROJECT"],
  partners: PARTNERS,
  organisations: ORGANISATION_IDS.slice(0, 10),
  conditions: CONDITION_IDS,
  drivers: DRIVER_IDS,
  topics: TOPIC_IDS.slice(0, 10),
  settings: SETTING_IDS,
  regions: REGION_IDS.slice(0, 6),
  resourceKinds: RESOURCE_KINDS,
  projectStatuses: PROJECT_STATUSES,
};

function randomArgs(r: ReturnType<typeof prng>): SearchArgs {
  const filter: Record<string, string[]> = {};
  for (const [field, values] of Object.entries(UNIVERSE))
    if (r.next() < 0.3) filter[field] = r.some(values, 3).slice(0, 1 + r.int(3));
  return parseSearchArgs({ query: r.next() < 0.4 ? r.pick(WORDS) : null, filter, first: 100 });
}

const ITEMS = generate(300, 20261127);

beforeAll(async () => {
  db = await openDatabase(await store(), KIND_PRISMA.catalogue.migrations, (o) => new PrismaClient(o));
  // Two pages, as the harvester writes them.
  await upsertItems(
    db.sql,
    ITEMS.slice(0, 150).map((g) => g.item),
    new Date(),
  );
  await upsertItems(
    db.sql,
    ITEMS.slice(150).map((g) => g.item),
    new Date(),
  );
});
afterAll(async () => {
  await db?.close();
  await dropDatabase?.();
});

async function allIds(args: SearchArgs): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  for (let i = 0; i < 20; i++) {
    const page = await search(db.sql, { ...args, first: 37, after });
    ids.push(...page.hits.map((h) => h.id));
    if (!page.hasNextPage) return ids;
    after = page.endCursor;
  }
  throw new Error("more than 20 pages");
}

describe("facet counts against brute force", () => {
  it("match with no query and no filter: every value of every dimension, most frequent first", async () => {
    const args = parseSearchArgs({});
    const facets = await searchFacets(db.sql, args);
    expect(facets).toEqual(bruteFacets(ITEMS, args));
    expect(facets.map((f) => f.dimension)).toEqual(FACET_DIMENSIONS.map((d) => d.dimension));
    // Every item has exactly one kind.
    expect(facets[0]!.values.reduce((n, v) => n + v.count, 0)).toBe(ITEMS.length);
  });

  it("are disjunctive: a dimension's counts ignore its own selection but apply the others'", async () => {
    const args = parseSearchArgs({ filter: { topics: [TOPIC_IDS[0]], kinds: ["PROJECT", "RESOURCE"] } });
    const facets = await searchFacets(db.sql, args);
    expect(facets).toEqual(bruteFacets(ITEMS, args));
    const kind = facets.find((f) => f.dimension === "KIND")!;
    // NETWORK is not selected but is offered, counted among items with the topic.
    expect(kind.values.find((v) => v.value === "NETWORK")?.count).toBe(
      ITEMS.filter((g) => g.item.typename === "Network" && g.item.topics.includes(TOPIC_IDS[0])).length,
    );
    const topic = facets.find((f) => f.dimension === "TOPIC")!;
    expect(topic.values.length).toBeGreaterThan(1);
    const { totalCount } = await search(db.sql, args);
    // KIND is single-valued: the selected kinds' counts add up to the total.
    expect(kind.values.filter((v) => ["PROJECT", "RESOURCE"].includes(v.value)).reduce((n, v) => n + v.count, 0)).toBe(
      totalCount,
    );
  });

  it("list a selected value that matches nothing, with count 0", async () => {
    const args = parseSearchArgs({ filter: { regions: ["uk-wide"] } });
    const facets = await searchFacets(db.sql, args);
    expect(facets.find((f) => f.dimension === "REGION")!.values).toContainEqual({ value: "uk-wide", count: 0 });
    expect(facets).toEqual(bruteFacets(ITEMS, args));
  });

  it("match for 60 random query/filter combinations, as do the totals and the result sets", async () => {
    const r = prng(42);
    let nonEmpty = 0;
    for (let i = 0; i < 60; i++) {
      const args = randomArgs(r);
      const label = JSON.stringify({ query: args.query, filter: args.filter });
      const expected = ITEMS.filter((g) => matches(g, args));
      if (expected.length) nonEmpty++;
      expect(await searchFacets(db.sql, args), label).toEqual(bruteFacets(ITEMS, args));
      const page = await search(db.sql, args);
      expect(page.totalCount, label).toBe(expected.length);
      expect(new Set(await allIds(args)), label).toEqual(new Set(expected.map((g) => g.item.id)));
    }
    // The combinations are not all trivially empty.
    expect(nonEmpty).toBeGreaterThan(20);
  });

  it("cost one statement", async () => {
    const before = db.statements.count;
    await searchFacets(
      db.sql,
      parseSearchArgs({
        query: "apple",
        filter: { topics: [TOPIC_IDS[0]], kinds: ["PROJECT"], settings: [SETTING_IDS[0]] },
      }),
    );
    expect(db.statements.count - before).toBe(1);
  });
});

describe("sorting", () => {
  const byNewest = (a: IndexedItem, b: IndexedItem) =>
    Date.parse(b.updatedAt) - Date.parse(a.updatedAt) || (a.id < b.id ? -1 : 1);
  const byTitle = (a: IndexedItem, b: IndexedItem) => {
    const [x, y] = [a.title.toLowerCase(), b.title.toLowerCase()];
    return x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : 1;
  };

  it("NEWEST: most recently updated first, ties by id, across pages", async () => {
    const ids = await allIds(parseSearchArgs({ sort: "NEWEST" }));
    expect(ids).toEqual(
      ITEMS.map((g) => g.item)
        .sort(byNewest)
        .map((i) => i.id),
    );
  });

  it("TITLE: by title ignoring case, ties by id, across pages; with a query too", async () => {
    expect(await allIds(parseSearchArgs({ sort: "TITLE" }))).toEqual(
      ITEMS.map((g) => g.item)
        .sort(byTitle)
        .map((i) => i.id),
    );
    const withQuery = await allIds(parseSearchArgs({ sort: "TITLE", query: "fig" }));
    expect(withQuery).toEqual(
      ITEMS.filter((g) => g.words.has("fig"))
        .map((g) => g.item)
        .sort(byTitle)
        .map((i) => i.id),
    );
  });

  it("RELEVANCE without a query is NEWEST", async () => {
    expect(await allIds(parseSearchArgs({}))).toEqual(await allIds(parseSearchArgs({ sort: "NEWEST" })));
  });

  it("RELEVANCE with a query: best score first, ties by id", async () => {
    const page = await search(db.sql, parseSearchArgs({ query: "grape", first: 100 }));
    expect(page.hits.length).toBeGreaterThan(10);
    for (let i = 1; i < page.hits.length; i++) {
      const [a, b] = [page.hits[i - 1]!, page.hits[i]!];
      expect(a.score! > b.score! || (a.score === b.score && a.id < b.id), `${a.id} before ${b.id}`).toBe(true);
    }
  });

  it("refuses a cursor from the same search with another sort", async () => {
    const first = await search(db.sql, parseSearchArgs({ sort: "TITLE", first: 5 }));
    await expect(
      search(db.sql, parseSearchArgs({ sort: "NEWEST", first: 5, after: first.endCursor })),
    ).rejects.toMatchObject({ extensions: { code: "BAD_USER_INPUT", argumentPath: ["after"] } });
    await expect(search(db.sql, parseSearchArgs({ first: 5, after: first.endCursor }))).rejects.toMatchObject({
      extensions: { argumentPath: ["after"] },
    });
    const second = await search(db.sql, parseSearchArgs({ sort: "TITLE", first: 5, after: first.endCursor }));
    expect(second.hits).toHaveLength(5);
  });
});

// Small hand-made items for ranking and similarity, under their own partner ids.
function handMade(id: string, typename: IndexedItem["typename"], fields: Partial<IndexedItem>): IndexedItem {
  const base = {
    id,
    typename,
    partnerId: id.split(":")[0]!,
    organisationId: "nhs-england",
    title: "Untitled",
    summary: null,
    body: "",
    topics: [],
    settings: [],
    drivers: [],
    regionId: null,
    networkId: null,
    resourceIds: [],
    linkedIds: [],
    updatedAt: "2025-01-01T00:00:00.000Z",
    ...fields,
  };
  return { ...base, facets: facetsOf(base, []) };
}

describe("ranking", () => {
  it("ranks a word in one item's title above the word in another's body, and stems English", async () => {
    await upsertItems(
      db.sql,
      [
        // The body item says the word twice: weight still puts the title first.
        handMade("rank-a:project:body", "Project", {
          title: "Ward rota pilot",
          summary: "A pilot.",
          body: "We used a kaleidoscope. The kaleidoscope helped.",
        }),
        handMade("rank-b:project:title", "Project", {
          title: "Kaleidoscope rota pilot",
          summary: "A pilot.",
          body: "Nothing more.",
        }),
        handMade("rank-c:project:summary", "Project", {
          title: "Night rota pilot",
          summary: "A kaleidoscope pilot.",
          body: "Nothing more.",
        }),
      ],
      new Date(),
    );
    const page = await search(db.sql, parseSearchArgs({ query: "kaleidoscopes" }));
    expect(page.hits.map((h) => h.id)).toEqual([
      "rank-b:project:title",
      "rank-c:project:summary",
      "rank-a:project:body",
    ]);
  });
});

describe("similar work", () => {
  const S = "sim-a:project:source";
  beforeAll(async () => {
    // Vocabulary the generated items never use, so that only these items can be similar to S.
    const shared = {
      topics: ["duty-of-candour", "safety-culture"],
      drivers: ["national-bodies-together"],
      settings: ["system-wide"],
    };
    await upsertItems(
      db.sql,
      [
        handMade(S, "Project", { title: "Falls prevention huddles", ...shared }),
        handMade("sim-b:project:two-topics", "Project", {
          title: "Something else",
          topics: ["duty-of-candour", "safety-culture", "maternal-care"],
        }),
        handMade("sim-c:project:two-topics-too", "Project", {
          title: "Another thing",
          topics: ["safety-culture", "duty-of-candour"],
        }),
        handMade("sim-b:project:driver-and-setting", "Project", {
          title: "Other work",
          drivers: ["national-bodies-together"],
          settings: ["system-wide"],
        }),
        handMade("sim-c:project:setting", "Project", { title: "Other work", settings: ["system-wide"] }),
        handMade("sim-d:project:word", "Project", { title: "Unrelated", body: "We held huddles every morning." }),
        handMade("sim-d:project:nothing", "Project", {
          title: "Unrelated",
          topics: ["leadership"],
          drivers: ["local-control"],
          settings: ["social-care"],
        }),
        handMade("sim-e:resource:everything", "Resource", { title: "Falls prevention huddles", ...shared }),
      ],
      new Date(),
    );
  });

  it("scores shared topics, drivers, settings and title words; best first, ties by id; never the item itself nor another typename", async () => {
    const loader = similarLoader(db.sql);
    const found = await loader.load({ id: S, first: 20 });
    expect(found.map((h) => h.id)).toEqual([
      "sim-b:project:two-topics", // 2 topics × 3
      "sim-c:project:two-topics-too", // the same score: by id
      "sim-b:project:driver-and-setting", // 2 + 1
      "sim-c:project:setting", // 1
      "sim-d:project:word", // a title word in its body
    ]);
    expect(found[0]!.score).toBe(found[1]!.score);
    expect(found[2]!.score).toBeCloseTo(3);
    expect(found[4]!.score).toBeGreaterThan(0);
    expect(found[4]!.score).toBeLessThan(1);
  });

  it("answers a batch of keys in one statement, each with its own limit", async () => {
    const loader = similarLoader(db.sql);
    const before = db.statements.count;
    const ids = ITEMS.filter((g) => g.item.typename === "Project")
      .slice(0, 25)
      .map((g) => g.item.id);
    const [source, sourceTwo, ...rest] = await Promise.all([
      loader.load({ id: S, first: 2 }),
      loader.load({ id: S, first: 4 }),
      ...ids.map((id) => loader.load({ id, first: 3 })),
      loader.load({ id: "no:project:such", first: 5 }),
    ]);
    expect(db.statements.count - before).toBe(1);
    expect(source!.map((h) => h.id)).toEqual(["sim-b:project:two-topics", "sim-c:project:two-topics-too"]);
    expect(sourceTwo!.map((h) => h.id)).toEqual([
      "sim-b:project:two-topics",
      "sim-c:project:two-topics-too",
      "sim-b:project:driver-and-setting",
      "sim-c:project:setting",
    ]);
    expect(rest.pop()).toEqual([]);
    rest.forEach((hits, i) => {
      expect(hits.length).toBe(3);
      expect(hits.map((h) => h.id)).not.toContain(ids[i]);
      for (const h of hits) expect(h.typename).toBe("Project");
    });
  });
});

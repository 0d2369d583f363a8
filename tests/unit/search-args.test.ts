// National search validates its arguments before any SQL runs: a bad argument is one
// BAD_USER_INPUT error whose argumentPath points at the offending value.
import { describe, it, expect } from "vitest";
import { GraphQLError } from "graphql";
import { parseSearchArgs, search, SEARCH_MAX_PAGE, SEARCH_MAX_QUERY } from "../../subgraphs/catalogue/data/search.ts";
import type { SqlRunner } from "../../lib/db/migrate.ts";
import { contractEnum } from "../../schema/contracts.ts";

function rejection(raw: unknown): GraphQLError {
  try {
    parseSearchArgs(raw);
  } catch (e) {
    if (e instanceof GraphQLError) return e;
    throw e;
  }
  throw new Error(`parseSearchArgs accepted ${JSON.stringify(raw).slice(0, 200)}`);
}

describe("parseSearchArgs", () => {
  it("defaults to a page of 20 and no query or filter", () => {
    const args = parseSearchArgs({});
    expect(args.first).toBe(20);
    expect(args.query ?? undefined).toBeUndefined();
    expect(args.filter ?? undefined).toBeUndefined();
    expect(args.after ?? undefined).toBeUndefined();
  });

  it("keeps the arguments it is given", () => {
    expect(parseSearchArgs({ query: "falls in care homes", first: 5, after: "abc" })).toMatchObject({
      query: "falls in care homes",
      first: 5,
      after: "abc",
    });
  });

  it.each([1, SEARCH_MAX_PAGE])("accepts first: %i", (first) => {
    expect(parseSearchArgs({ first }).first).toBe(first);
  });

  it.each([-1, 0, SEARCH_MAX_PAGE + 1, 2.5])("rejects first: %d as BAD_USER_INPUT on [first]", (first) => {
    const error = rejection({ first });
    expect(error.extensions.code).toBe("BAD_USER_INPUT");
    expect(error.extensions.argumentPath).toEqual(["first"]);
    expect(error.message).toContain("first");
  });

  it("says the allowed range for first", () => {
    expect(rejection({ first: 101 }).message).toContain("must be between 1 and 100");
    expect(rejection({ first: 0 }).message).toContain("must be between 1 and 100");
  });

  it(`accepts a query of ${SEARCH_MAX_QUERY} characters`, () => {
    expect(parseSearchArgs({ query: "a".repeat(SEARCH_MAX_QUERY) }).query).toHaveLength(SEARCH_MAX_QUERY);
  });

  it("rejects a 10,000-character query as BAD_USER_INPUT on [query]", () => {
    const error = rejection({ query: "falls ".repeat(2000).slice(0, 10_000) });
    expect(error.extensions.code).toBe("BAD_USER_INPUT");
    expect(error.extensions.argumentPath).toEqual(["query"]);
    expect(error.message).toContain(`at most ${SEARCH_MAX_QUERY} characters`);
  });

  it("rejects an unknown topic id, pointing at its position in the filter", () => {
    const error = rejection({ filter: { topics: ["no-such-topic"] } });
    expect(error.extensions.code).toBe("BAD_USER_INPUT");
    expect(error.extensions.argumentPath).toEqual(["filter", "topics", "0"]);
    expect(error.message).toContain("filter.topics.0");
  });

  it("points at the second topic when only that one is unknown", () => {
    expect(rejection({ filter: { topics: ["falls", "no-such-topic"] } }).extensions.argumentPath).toEqual([
      "filter",
      "topics",
      "1",
    ]);
  });

  it.each([
    ["settings", "no-such-setting"],
    ["drivers", "no-such-driver"],
    ["regions", "atlantis"],
    ["organisations", "acme-health"],
    ["partners", "Not A Partner"],
    ["kinds", "PERSON"],
    ["conditions", "condition-6"],
    ["resourceKinds", "PODCAST"],
    ["projectStatuses", "ABANDONED"],
  ])("rejects an unknown %s value on [filter, %s, 0]", (field, value) => {
    const error = rejection({ filter: { [field]: [value] } });
    expect(error.extensions.code).toBe("BAD_USER_INPUT");
    expect(error.extensions.argumentPath).toEqual(["filter", field, "0"]);
  });

  it("rejects a filter list longer than 50", () => {
    const error = rejection({ filter: { partners: Array.from({ length: 51 }, (_, i) => `p${i}`) } });
    expect(error.extensions.argumentPath).toEqual(["filter", "partners"]);
  });

  it("accepts a valid filter on every dimension", () => {
    const filter = {
      kinds: ["PROJECT", "NETWORK", "RESOURCE"],
      partners: ["essex-cc", "slpsc"],
      organisations: ["essex-cc", "nhs-england"],
      topics: ["falls", "postpartum-haemorrhage"],
      settings: ["care-homes", "maternity"],
      drivers: ["data-systems", "sharing-networks"],
      regions: ["london", "east-of-england"],
      conditions: ["condition-1", "condition-4"],
      resourceKinds: ["GUIDE", "CASE_STUDY"],
      projectStatuses: ["ACTIVE", "COMPLETED"],
    };
    expect(parseSearchArgs({ query: "falls", filter, first: 10 })).toMatchObject({ query: "falls", first: 10, filter });
  });

  it("accepts null for the optional arguments GraphQL may pass as null", () => {
    expect(() => parseSearchArgs({ query: null, filter: null, after: null })).not.toThrow();
    expect(() => parseSearchArgs({ filter: { topics: null, kinds: null } })).not.toThrow();
    expect(() =>
      parseSearchArgs({ filter: { conditions: null, resourceKinds: null, projectStatuses: null } }),
    ).not.toThrow();
  });

  it("takes every resource kind and project status the partner contracts declare", () => {
    const resourceKinds = contractEnum("resources", "ResourceKind");
    const projectStatuses = contractEnum("projects", "ProjectStatus");
    expect(parseSearchArgs({ filter: { resourceKinds, projectStatuses } }).filter).toMatchObject({
      resourceKinds,
      projectStatuses,
    });
    // Enum values are case-sensitive, as in GraphQL.
    expect(rejection({ filter: { projectStatuses: ["active"] } }).extensions.argumentPath).toEqual([
      "filter",
      "projectStatuses",
      "0",
    ]);
  });

  it("sorts by RELEVANCE unless told otherwise, and takes NEWEST and TITLE", () => {
    expect(parseSearchArgs({}).sort).toBe("RELEVANCE");
    expect(parseSearchArgs({ sort: null }).sort).toBe("RELEVANCE");
    expect(parseSearchArgs({ sort: "NEWEST" }).sort).toBe("NEWEST");
    expect(parseSearchArgs({ sort: "TITLE" }).sort).toBe("TITLE");
  });

  it("rejects an unknown sort on [sort]", () => {
    const error = rejection({ sort: "RANDOM" });
    expect(error.extensions.code).toBe("BAD_USER_INPUT");
    expect(error.extensions.argumentPath).toEqual(["sort"]);
  });
});

/**
 * An index of `total` items standing in for the database: answers the page query from its LIMIT and
 * OFFSET parameters (the last two) and the count query with `total`.
 */
function fakeIndex(total: number): SqlRunner & { offsets: number[]; statements: string[] } {
  const offsets: number[] = [];
  const statements: string[] = [];
  return {
    offsets,
    statements,
    exec: async () => undefined,
    query: async <T>(sql: string, params: unknown[] = []) => {
      statements.push(sql);
      if (sql.includes("count(*)")) return [{ count: total }] as T[];
      const limit = Number(params[params.length - 2]);
      const offset = Number(params[params.length - 1]);
      offsets.push(offset);
      const n = Math.max(0, Math.min(limit, total - offset));
      return Array.from({ length: n }, (_, i) => ({
        id: `essex-cc:project:p${offset + i}`,
        typename: "Project",
        partnerId: "essex-cc",
        organisationId: "essex-cc",
        title: `Project ${offset + i}`,
        summary: null,
        stale: false,
        lastSeen: new Date(0),
        score: null,
      })) as T[];
    },
  };
}

async function badCursor(raw: Record<string, unknown>): Promise<GraphQLError> {
  try {
    await search(fakeIndex(10), parseSearchArgs(raw));
  } catch (e) {
    if (e instanceof GraphQLError) return e;
    throw e;
  }
  throw new Error(`search accepted the cursor for ${JSON.stringify({ ...raw, after: "…" })}`);
}

describe("the after cursor", () => {
  async function secondPageCursor(raw: Record<string, unknown>): Promise<string> {
    const page = await search(fakeIndex(10), parseSearchArgs({ ...raw, first: 2 }));
    expect(page.hasNextPage).toBe(true);
    return page.endCursor!;
  }

  it("continues the same search where its page ended", async () => {
    const raw = { query: "falls in care homes", filter: { kinds: ["PROJECT"] } };
    const after = await secondPageCursor(raw);
    const index = fakeIndex(10);
    const page = await search(index, parseSearchArgs({ ...raw, first: 2, after }));
    expect(index.offsets).toEqual([2]);
    expect(page.hits.map((h) => h.id)).toEqual(["essex-cc:project:p2", "essex-cc:project:p3"]);
  });

  it("refuses a string that is not a cursor, on [after]", async () => {
    const error = await badCursor({ after: "not-a-cursor" });
    expect(error.extensions.code).toBe("BAD_USER_INPUT");
    expect(error.extensions.argumentPath).toEqual(["after"]);
  });

  it("refuses a cursor from a search with another query", async () => {
    const after = await secondPageCursor({ query: "falls" });
    expect((await badCursor({ query: "sepsis", after })).extensions.argumentPath).toEqual(["after"]);
  });

  // The fingerprint keeps only the last 16 base64url characters of JSON [query, filter], i.e. its
  // last 12 bytes: searches that differ only earlier than that share a fingerprint.
  it("refuses a cursor from a search whose query differs only in its first words", async () => {
    const after = await secondPageCursor({ query: "falls in care homes" });
    const error = await badCursor({ query: "delirium in care homes", after });
    expect(error.message).toBe("after is not a cursor of this search");
  });

  it("refuses a cursor from a search with another kinds filter but the same regions", async () => {
    const after = await secondPageCursor({ filter: { kinds: ["PROJECT"], regions: ["london"] } });
    const error = await badCursor({ filter: { kinds: ["NETWORK"], regions: ["london"] }, after });
    expect(error.message).toBe("after is not a cursor of this search");
  });

  it("refuses a cursor from the same search with another sort", async () => {
    const after = await secondPageCursor({ query: "falls", sort: "TITLE" });
    for (const sort of ["RELEVANCE", "NEWEST", undefined]) {
      const error = await badCursor({ query: "falls", sort, after });
      expect(error.message).toBe("after is not a cursor of this search");
    }
    // The same sort continues.
    const page = await search(fakeIndex(10), parseSearchArgs({ query: "falls", sort: "TITLE", first: 2, after }));
    expect(page.hits).toHaveLength(2);
  });

  it("continues a search whose filter lists the same values in another order", async () => {
    const after = await secondPageCursor({ filter: { topics: ["falls", "sepsis"], kinds: ["PROJECT"] } });
    const page = await search(
      fakeIndex(10),
      parseSearchArgs({ filter: { kinds: ["PROJECT"], topics: ["sepsis", "falls"] }, first: 2, after }),
    );
    expect(page.hits).toHaveLength(2);
  });
});

describe("the page order", () => {
  async function pageSql(raw: Record<string, unknown>): Promise<string> {
    const index = fakeIndex(3);
    await search(index, parseSearchArgs(raw));
    const page = index.statements.find((s) => !s.includes("count(*)"));
    return page!.slice(page!.indexOf("ORDER BY"));
  }

  it("is relevance with a query, newest without one, and always ends with the id", async () => {
    expect(await pageSql({ query: "falls" })).toMatch(/ORDER BY score DESC, id\b/);
    expect(await pageSql({})).toBe(await pageSql({ sort: "NEWEST" }));
    expect(await pageSql({ sort: "NEWEST", query: "falls" })).toMatch(/ORDER BY "updatedAt" DESC, id\b/);
    expect(await pageSql({ sort: "TITLE", query: "falls" })).toMatch(/ORDER BY lower\(title\).*, id\b/);
  });

  it("costs two statements: the page and the count", async () => {
    const index = fakeIndex(3);
    await search(
      index,
      parseSearchArgs({ query: "falls", filter: { topics: ["falls"], conditions: ["condition-4"] }, sort: "TITLE" }),
    );
    expect(index.statements).toHaveLength(2);
  });
});

// Facets and similar work, without a database: the facet strings an item gets at harvest, their
// labels, the dimension list against the schema, how facet rows become the API's answer, and the
// validation of `first` on similarProjects / related.
import { describe, expect, it } from "vitest";
import { GraphQLError, Kind, type InputObjectTypeDefinitionNode } from "graphql";
import { FACET_DIMENSIONS, facetLabel, facetsOf } from "../../subgraphs/catalogue/harvest/facets.ts";
import { toIndexedItem } from "../../subgraphs/catalogue/harvest/feeds.ts";
import {
  Params,
  parseSearchArgs,
  searchFacets,
  searchFilter,
  searchPredicates,
} from "../../subgraphs/catalogue/data/search.ts";
import { facetCountsStatement } from "../../subgraphs/catalogue/data/facets-sql.ts";
import { parseSimilarFirst, SIMILAR_DEFAULT } from "../../subgraphs/catalogue/data/similar.ts";
import { contractDocument, contractEnum } from "../../schema/contracts.ts";
import type { Partner } from "../../lib/registry/registry.ts";
import type { SqlRunner } from "../../lib/db/migrate.ts";

const project = {
  id: "essex-cc:project:care-home-safety",
  typename: "Project" as const,
  partnerId: "essex-cc",
  organisationId: "essex-cc",
  title: "Testing quality improvement in care homes",
  summary: null,
  body: "",
  // Two drivers of condition 4, one of condition 3, one repeated.
  drivers: ["data-systems", "improvement-support-systems", "applied-improvement-training", "data-systems"],
  topics: ["falls", "pressure-ulcers"],
  settings: ["care-homes"],
  regionId: "east-of-england",
  networkId: null,
  resourceIds: [],
  linkedIds: [],
  updatedAt: "2026-01-01T00:00:00.000Z",
};

describe("facetsOf", () => {
  it("gives kind, organisation, drivers and their conditions, topics, settings, region and the kind-specific values", () => {
    expect(facetsOf(project, ["projectStatus:COMPLETED"])).toEqual(
      [
        "kind:PROJECT",
        "organisation:essex-cc",
        "driver:data-systems",
        "driver:improvement-support-systems",
        "driver:applied-improvement-training",
        "condition:condition-4",
        "condition:condition-3",
        "topic:falls",
        "topic:pressure-ulcers",
        "setting:care-homes",
        "region:east-of-england",
        "projectStatus:COMPLETED",
      ].sort(),
    );
  });

  it("has no duplicates, even when a driver or a kind-specific value repeats", () => {
    const facets = facetsOf(project, ["projectStatus:ACTIVE", "projectStatus:ACTIVE"]);
    expect(new Set(facets).size).toBe(facets.length);
    expect(facets.filter((f) => f === "condition:condition-4")).toHaveLength(1);
  });

  it("has no region without one, and drops a kind-specific value the feed left out", () => {
    const facets = facetsOf({ ...project, typename: "Resource", regionId: null }, [
      "resourceKind:null",
      "resourceKind:undefined",
    ]);
    expect(facets.some((f) => f.startsWith("region:"))).toBe(false);
    expect(facets.some((f) => f.startsWith("resourceKind:"))).toBe(false);
    expect(facets).toContain("kind:RESOURCE");
  });

  it("is what the harvest stores for a feed node", () => {
    const partner = {
      id: "improvement-hub",
      organisation: "nhs-england",
      kind: "resources",
      region: "national",
    } as Partner;
    const item = toIndexedItem("resources", partner, {
      id: "improvement-hub:resource:safety-thermometer",
      title: "NHS Safety Thermometer",
      summary: null,
      organisation: { id: "nhs-england" },
      updatedAt: null,
      kind: "ASSESSMENT_TOOL",
      topics: [{ id: "falls" }],
      drivers: [{ id: "local-control" }],
      settings: [],
      body: null,
      audience: [],
      publisher: null,
      licence: "OGL-UK-3.0",
    });
    expect(item.facets).toEqual(
      [
        "kind:RESOURCE",
        "organisation:nhs-england",
        "driver:local-control",
        "condition:condition-5",
        "topic:falls",
        "region:national",
        "resourceKind:ASSESSMENT_TOOL",
      ].sort(),
    );
  });
});

describe("facet labels", () => {
  it.each([
    ["TOPIC", "falls", "Falls"],
    ["SETTING", "care-homes", "Care homes"],
    ["REGION", "east-of-england", "East of England"],
    ["DRIVER", "data-systems", "Data systems to support improvement"],
    ["CONDITION", "condition-4", "Support systems for learning at local, regional and national levels"],
    ["ORGANISATION", "essex-cc", "Essex County Council"],
    ["KIND", "PROJECT", "PROJECT"],
    ["RESOURCE_KIND", "CASE_STUDY", "CASE_STUDY"],
    ["PROJECT_STATUS", "ACTIVE", "ACTIVE"],
  ] as const)("%s %s is %s", (dimension, value, label) => {
    expect(facetLabel(dimension, value)).toBe(label);
  });

  it("falls back to the value for an id the directory does not know", () => {
    expect(facetLabel("ORGANISATION", "gone-org")).toBe("gone-org");
  });
});

describe("the facet dimensions", () => {
  it("are the FacetDimension enum of the catalogue contract, in its order", () => {
    expect(FACET_DIMENSIONS.map((d) => d.dimension)).toEqual(contractEnum("catalogue", "FacetDimension"));
  });

  it("each have a SearchFilter field, in the schema and in its validation", () => {
    const input = contractDocument("catalogue").definitions.find(
      (d): d is InputObjectTypeDefinitionNode =>
        d.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION && d.name.value === "SearchFilter",
    )!;
    const fields = (input.fields ?? []).map((f) => f.name.value);
    for (const d of FACET_DIMENSIONS) {
      expect(fields, d.filter).toContain(d.filter);
      expect(Object.keys(searchFilter.shape), d.filter).toContain(d.filter);
    }
    // partners is a filter, not a facet.
    expect(fields.filter((f) => !FACET_DIMENSIONS.some((d) => d.filter === f))).toEqual(["partners"]);
  });
});

describe("the facet statement", () => {
  const statementFor = (raw: Record<string, unknown>) => {
    const p = new Params();
    const sql = facetCountsStatement(searchPredicates(parseSearchArgs(raw), p));
    return { sql, params: p.values };
  };

  it("is one statement with one GROUP BY per dimension", () => {
    const { sql } = statementFor({ query: "falls", filter: { topics: ["falls"], kinds: ["PROJECT"] } });
    expect(sql.match(/GROUP BY/g)).toHaveLength(FACET_DIMENSIONS.length);
    expect(sql.match(/UNION ALL/g)).toHaveLength(FACET_DIMENSIONS.length - 1);
    expect(sql.split(";")).toHaveLength(1);
  });

  it("passes every user value as a parameter", () => {
    const { sql, params } = statementFor({
      query: 'x\'; DROP TABLE "Item"; --',
      filter: { topics: ["falls"], partners: ["essex-cc"] },
    });
    expect(sql).not.toContain("DROP");
    expect(params).toEqual(['x\'; DROP TABLE "Item"; --', ["essex-cc"], ["topic:falls"]]);
  });
});

describe("searchFacets", () => {
  function fakeRows(rows: { facet: string; count: number }[]): SqlRunner & { calls: number } {
    const runner = {
      calls: 0,
      exec: async () => undefined,
      query: async <T>() => {
        runner.calls++;
        return rows as T[];
      },
    };
    return runner;
  }

  it("groups rows by dimension, most frequent first then by value, and lists a selected value without rows at 0", async () => {
    const sql = fakeRows([
      { facet: "topic:sepsis", count: 2 },
      { facet: "topic:falls", count: 5 },
      { facet: "topic:delirium", count: 2 },
      { facet: "kind:PROJECT", count: 7 },
      { facet: "networkType:COMMUNITY_OF_PRACTICE", count: 3 },
    ]);
    const facets = await searchFacets(sql, parseSearchArgs({ filter: { topics: ["falls", "duty-of-candour"] } }));
    expect(sql.calls).toBe(1);
    expect(facets.map((f) => f.dimension)).toEqual(FACET_DIMENSIONS.map((d) => d.dimension));
    expect(facets.find((f) => f.dimension === "TOPIC")!.values).toEqual([
      { value: "falls", count: 5 },
      { value: "delirium", count: 2 },
      { value: "sepsis", count: 2 },
      { value: "duty-of-candour", count: 0 },
    ]);
    expect(facets.find((f) => f.dimension === "KIND")!.values).toEqual([{ value: "PROJECT", count: 7 }]);
    // Values of no exposed dimension are not answered.
    expect(facets.flatMap((f) => f.values).some((v) => v.value === "COMMUNITY_OF_PRACTICE")).toBe(false);
  });
});

describe("first on similarProjects and related", () => {
  it(`defaults to ${SIMILAR_DEFAULT}, null included, and takes 1 to 20`, () => {
    expect(parseSimilarFirst(undefined)).toBe(5);
    expect(parseSimilarFirst(null)).toBe(5);
    expect(parseSimilarFirst(1)).toBe(1);
    expect(parseSimilarFirst(20)).toBe(20);
  });

  it.each([0, 21, -1, 2.5])("rejects %d as BAD_USER_INPUT on [first]", (first) => {
    let error: unknown;
    try {
      parseSimilarFirst(first);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GraphQLError);
    expect((error as GraphQLError).extensions).toMatchObject({ code: "BAD_USER_INPUT", argumentPath: ["first"] });
    expect((error as GraphQLError).message).toContain("must be between 1 and 20");
  });
});

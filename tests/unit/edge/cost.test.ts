// Query cost: fields cost 1, lists multiply by their page argument (literal, variable, schema
// default) or the default list size, connections size their edges, fragments expand.
import { describe, expect, it } from "vitest";
import { buildSchema, Kind, parse, validate, type OperationDefinitionNode } from "graphql";
import { readFileSync } from "node:fs";
import { costDirectivesOf } from "../../../lib/limits/cost-directives.ts";
import { SUPERGRAPH_PATH } from "../../../schema/compose.ts";
import { contractSdl } from "../../../schema/contracts.ts";
import { apiSchema } from "./api-schema.ts";
import { maxCostRule, operationCost } from "../../../lib/limits/cost.ts";
import { fragmentsOf } from "../../../lib/limits/walk.ts";

const schema = apiSchema();
const cost = (query: string, variables?: Record<string, unknown>, defaultListSize = 10) => {
  const doc = parse(query);
  const op = doc.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
  return operationCost(schema, op, fragmentsOf(doc), { defaultListSize, variables });
};

describe("operationCost", () => {
  it("costs 1 per field; __typename is free", () => {
    expect(cost(`{ framework { aim name } }`)).toBe(3);
    expect(cost(`{ __typename framework { __typename aim } }`)).toBe(2);
  });

  it("multiplies a list without a page argument by the default list size", () => {
    // topics: 1 + 10 × (id + name)
    expect(cost(`{ topics { id name } }`)).toBe(21);
    expect(cost(`{ topics { id name } }`, undefined, 3)).toBe(7);
  });

  it("sizes a connection's edges by its first: literal, variable, variable default, schema default", () => {
    // search: 1 + totalCount 1 + edges (1 + first × (node 1 + id 1))
    expect(cost(`{ search(first: 5) { totalCount edges { node { id } } } }`)).toBe(1 + 1 + 1 + 5 * 2);
    expect(cost(`query($n: Int) { search(first: $n) { edges { node { id } } } }`, { n: 50 })).toBe(1 + 1 + 50 * 2);
    expect(cost(`query($n: Int = 7) { search(first: $n) { edges { node { id } } } }`, {})).toBe(1 + 1 + 7 * 2);
    expect(cost(`{ search { edges { node { id } } } }`)).toBe(1 + 1 + 20 * 2);
  });

  it("uses a list field's own schema default (members: 50, similarProjects: 5)", () => {
    expect(cost(`{ network(id: "x") { members { name } } }`)).toBe(1 + 1 + 50);
    expect(cost(`{ project(id: "x") { similarProjects { id } } }`)).toBe(1 + 1 + 5);
  });

  it("multiplies nested lists: the list multiplication attack", () => {
    const q = `{ search(first: 100) { edges { node { ... on Project { similarProjects(first: 20) { similarProjects(first: 20) { similarProjects(first: 20) { id } } } } } } } }`;
    expect(cost(q)).toBeGreaterThan(800_000);
  });

  it("expands fragments (each measured once) and adds fragments on different types", () => {
    const q = `{ search(first: 2) { edges { node { ...P ...P ... on Network { title } } } } } fragment P on Project { aim }`;
    // node: 1 + aim + aim + title = 4; edges: 1 + 2 × 4
    expect(cost(q)).toBe(1 + 1 + 2 * 4);
  });

  it("counts introspection like any other query", () => {
    expect(cost(`{ __schema { types { name fields { name } } } }`)).toBe(1 + 1 + 10 * (1 + 1 + 10));
  });
});

describe("maxCostRule", () => {
  it("reports the cost and the limit", () => {
    const q = `{ search(first: 100) { edges { node { ... on Project { similarProjects(first: 20) { similarProjects(first: 20) { id } } } } } } }`;
    const [error] = validate(schema, parse(q), [maxCostRule(250_000, { defaultListSize: 10 })]);
    expect(error).toBeUndefined();
    const [over] = validate(schema, parse(q), [maxCostRule(10_000, { defaultListSize: 10 })]);
    expect(over?.extensions).toMatchObject({ code: "QUERY_TOO_COMPLEX", limit: 10_000, actual: cost(q) });
    expect(over?.message).toMatch(new RegExp(`^Query cost ${cost(q)} is over the limit of 10000`));
  });
});

describe("the contracts' cost directives (@cost, @listSize)", () => {
  const directives = costDirectivesOf(readFileSync(SUPERGRAPH_PATH, "utf8"));
  const priced = (query: string, variables?: Record<string, unknown>) => {
    const doc = parse(query);
    const op = doc.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
    return operationCost(schema, op, fragmentsOf(doc), { defaultListSize: 10, variables, directives });
  };

  it("are read alike from the supergraph and from the projects contract", () => {
    expect(directives.get("Measure.chart")).toEqual({ weight: 6000 });
    expect(directives.get("Measure.points")).toEqual({ assumedSize: 200 });
    const contract = costDirectivesOf(contractSdl("projects"));
    for (const key of [
      "Measure.chart",
      "Measure.points",
      "Measure.spc",
      "Measure.runChart",
      "SpcAnalysis.points",
      "RunChartAnalysis.points",
      "Project.driverDiagram",
    ]) {
      expect(contract.get(key), key).toEqual(directives.get(key));
    }
  });

  it("price charts, analyses, diagrams and points lists as declared", () => {
    // projectFromOwner 1 + measures (1 + 10 × chart 6,000)
    expect(priced(`{ projectFromOwner(id: "x") { measures { chart } } }`)).toBe(1 + 1 + 10 * 6000);
    // five aliased charts: what cost 52 before
    expect(priced(`{ projectFromOwner(id: "x") { measures { a: chart b: chart c: chart d: chart e: chart } } }`)).toBe(
      2 + 10 * 5 * 6000,
    );
    expect(priced(`{ projectFromOwner(id: "x") { measures { points { date value } } } }`)).toBe(2 + 10 * (1 + 200 * 2));
    expect(
      priced(`{ projectFromOwner(id: "x") { measures { spc { points { date } } runChart { points { date } } } } }`),
    ).toBe(2 + 10 * (200 + (1 + 200) + 200 + (1 + 200)));
    expect(priced(`{ projectFromOwner(id: "x") { driverDiagram } }`)).toBe(1 + 200);
  });

  it("size a list by a slicing argument (a list counts its items), apply sizedFields, follow renamed imports", () => {
    const sdl = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: [{ name: "@cost", as: "@weight" }, "@listSize"])
      type Query {
        things(ids: [ID!]!): [Thing!]! @listSize(slicingArguments: ["ids"])
        page(size: Int): Page @listSize(slicingArguments: ["size"], sizedFields: ["items"], assumedSize: 3)
      }
      type Page { items: [Thing!]! total: Int }
      type Thing { heavy: String @weight(weight: 50) light: String }`;
    const own = buildSchema(
      sdl
        .replace(/@link\([^)]*\]\)/, "")
        .replace("extend schema", "")
        .replace(/@weight\(weight: 50\)|@listSize\([^)]*\)/g, ""),
    );
    const found = costDirectivesOf(sdl);
    expect(found.get("Thing.heavy")).toEqual({ weight: 50 });
    const c = (q: string, variables?: Record<string, unknown>) => {
      const doc = parse(q);
      return operationCost(own, doc.definitions[0] as OperationDefinitionNode, fragmentsOf(doc), {
        defaultListSize: 10,
        variables,
        directives: found,
      });
    };
    expect(c(`query($ids: [ID!]!) { things(ids: $ids) { heavy light } }`, { ids: ["a", "b", "c", "d"] })).toBe(
      1 + 4 * 51,
    );
    expect(c(`{ page(size: 7) { total items { light } } }`)).toBe(1 + 1 + (1 + 7 * 1));
    expect(c(`{ page { items { light } } }`)).toBe(1 + (1 + 3 * 1));
  });
});

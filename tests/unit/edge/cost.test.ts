// Query cost: fields cost 1, lists multiply by their page argument (literal, variable, schema
// default) or the default list size, connections size their edges, fragments expand.
import { describe, expect, it } from "vitest";
import { Kind, parse, validate, type OperationDefinitionNode } from "graphql";
import { apiSchema } from "./api-schema.ts";
import { maxCostRule, operationCost } from "../../../gateway/edge/cost.ts";
import { fragmentsOf } from "../../../gateway/edge/walk.ts";

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

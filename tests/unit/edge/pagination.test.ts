// Pagination caps: any first/last/limit over the cap is BAD_USER_INPUT naming the field's path and
// the argument, literal or variable.
import { describe, expect, it } from "vitest";
import { parse, validate } from "graphql";
import { apiSchema } from "./api-schema.ts";
import { paginationCapRule } from "../../../gateway/edge/pagination.ts";

const schema = apiSchema();
const check = (query: string, variables?: Record<string, unknown>) =>
  validate(schema, parse(query), [paginationCapRule(100, variables)]);

describe("paginationCapRule", () => {
  it("accepts pages up to the cap and schema defaults", () => {
    expect(check(`{ search(first: 100) { totalCount } network(id: "x") { members { name } } }`)).toEqual([]);
  });

  it("rejects a literal over the cap, naming the path", () => {
    const [error] = check(
      `{ projects: search(first: 20) { edges { node { ... on Network { members(first: 500) { name } } } } } }`,
    );
    expect(error?.message).toBe(
      "first at projects.edges.node.members must be between 1 and 100 (got 500): ask for the next page with after",
    );
    expect(error?.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      argumentPath: ["first"],
      fieldPath: ["projects", "edges", "node", "members"],
      limit: 100,
      actual: 500,
    });
  });

  it("checks variables when it has them, and names fragments on the path", () => {
    const query = `query($n: Int) { search { edges { ...E } } } fragment E on SearchEdge { node { ... on Project { similarProjects(first: $n) { id } } } }`;
    expect(check(query, { n: 5 })).toEqual([]);
    expect(check(query, {})).toEqual([]);
    const [error] = check(query, { n: 101 });
    expect(error?.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      argumentPath: ["first"],
      fieldPath: ["...E", "node", "similarProjects"],
      actual: 101,
    });
  });

  it("checks a variable's default", () => {
    expect(check(`query($n: Int = 1000) { search(first: $n) { totalCount } }`)[0]?.extensions).toMatchObject({
      actual: 1000,
    });
  });
});

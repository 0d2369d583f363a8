// The structural limits as graphql-js validation rules, on the real API schema: each measures with
// fragments expanded, survives fragment cycles and fragment bombs, and reports one error that names
// the limit and the measured value.
import { describe, expect, it } from "vitest";
import { parse, validate, type GraphQLError, type ValidationRule } from "graphql";
import { apiSchema } from "./api-schema.ts";
import {
  maxAliasesRule,
  maxDepthRule,
  maxDirectivesRule,
  maxRootFieldsRule,
  depthOf,
} from "../../../lib/limits/rules.ts";
import { fragmentsOf } from "../../../lib/limits/walk.ts";

const schema = apiSchema();
const check = (rule: ValidationRule, query: string): readonly GraphQLError[] => validate(schema, parse(query), [rule]);

const nest = (levels: number) =>
  `{ search { edges { node { ${"... on Project { similarProjects { ".repeat(levels)}id${" } }".repeat(levels)} } } } }`;

describe("maxDepthRule", () => {
  it("counts nesting: { a { b } } is 2", () => {
    expect(check(maxDepthRule(2), `{ framework { aim } }`)).toEqual([]);
    const [error] = check(maxDepthRule(1), `{ framework { aim } }`);
    expect(error?.message).toBe("Query is nested 2 levels deep (fragments expanded); the limit is 1");
    expect(error?.extensions).toEqual({ code: "QUERY_TOO_DEEP", limit: 1, actual: 2 });
  });

  it("rejects deep nesting with the measured depth", () => {
    expect(check(maxDepthRule(12), nest(3))).toEqual([]);
    const errors = check(maxDepthRule(12), nest(20));
    expect(errors).toHaveLength(1);
    expect(errors[0]!.extensions).toMatchObject({ code: "QUERY_TOO_DEEP", limit: 12, actual: 24 });
  });

  it("expands fragments, and a fragment used twice is measured once", () => {
    const query = `{ search { ...A } } fragment A on SearchConnection { edges { ...B } } fragment B on SearchEdge { node { partner { organisation { region { name } } } } }`;
    expect(check(maxDepthRule(6), query)[0]?.extensions).toMatchObject({ actual: 7 });
    expect(check(maxDepthRule(7), query)).toEqual([]);
  });

  it("survives a fragment cycle (graphql-js reports the cycle itself)", () => {
    const query = `{ framework { ...A } } fragment A on Framework { conditions { ...B } } fragment B on Condition { drivers { condition { framework: id } } ...C } fragment C on Condition { ...B }`;
    const doc = parse(query);
    const op = doc.definitions[0] as never;
    expect(depthOf(op, fragmentsOf(doc))).toBe(5);
    expect(check(maxDepthRule(4), query)[0]?.extensions).toMatchObject({ code: "QUERY_TOO_DEEP", actual: 5 });
  });

  it("measures a fragment bomb (2^30 expanded fields) without expanding it", () => {
    const defs = Array.from({ length: 30 }, (_, i) => `fragment F${i} on Framework { ...F${i + 1} ...F${i + 1} }`).join(
      " ",
    );
    const query = `{ framework { ...F0 } } ${defs} fragment F30 on Framework { aim }`;
    const started = performance.now();
    expect(check(maxDepthRule(12), query)).toEqual([]);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it("leaves introspection's nesting to the cost and token limits", () => {
    expect(
      check(maxDepthRule(3), `{ __schema { types { fields { type { ofType { ofType { ofType { name } } } } } } } }`),
    ).toEqual([]);
  });
});

describe("maxAliasesRule", () => {
  it("counts aliases, fragments expanded", () => {
    const query = `{ a: topics { id } b: topics { id } ...F ...F } fragment F on Query { c: regions { id } }`;
    expect(check(maxAliasesRule(4), query)).toEqual([]);
    expect(check(maxAliasesRule(3), query)[0]?.extensions).toEqual({ code: "TOO_MANY_ALIASES", limit: 3, actual: 4 });
  });

  it("rejects alias flooding", () => {
    const query = `{ ${Array.from({ length: 500 }, (_, i) => `a${i}: framework { aim }`).join(" ")} }`;
    const [error] = check(maxAliasesRule(30), query);
    expect(error?.message).toBe("Operation uses 500 aliases (fragments expanded); the limit is 30");
  });
});

describe("maxRootFieldsRule", () => {
  it("counts the top-level fields of each operation", () => {
    expect(check(maxRootFieldsRule(3), `{ topics { id } settings { id } regions { id } }`)).toEqual([]);
    const [error] = check(
      maxRootFieldsRule(2),
      `{ topics { id } settings { id } ...R } fragment R on Query { regions { id } }`,
    );
    expect(error?.extensions).toEqual({ code: "TOO_MANY_ROOT_FIELDS", limit: 2, actual: 3 });
    expect(error?.message).toMatch(/3 top-level fields; the limit is 2/);
  });
});

describe("maxDirectivesRule", () => {
  it("counts directives on fields, fragments and the operation", () => {
    const query = `query Q($x: Boolean = true) { topics @include(if: $x) { id @skip(if: false) } ...F @include(if: true) } fragment F on Query { regions { id } }`;
    expect(check(maxDirectivesRule(3), query)).toEqual([]);
    expect(check(maxDirectivesRule(2), query)[0]?.extensions).toEqual({
      code: "TOO_MANY_DIRECTIVES",
      limit: 2,
      actual: 3,
    });
  });

  it("rejects directive overloading, including unknown directives", () => {
    const errors = check(maxDirectivesRule(20), `{ topics { id ${"@a ".repeat(200)} } }`);
    expect(errors[0]?.message).toBe("Operation uses 200 directives (fragments expanded); the limit is 20");
  });
});

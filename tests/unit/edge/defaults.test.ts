// The documented defaults let real queries through with room to spare (the README's example, the
// standard introspection query, the biggest queries of the integration tests) and stop the attacks.
import { describe, expect, it } from "vitest";
import { getIntrospectionQuery, Kind, parse, validate, specifiedRules, type OperationDefinitionNode } from "graphql";
import { apiSchema, readmeExampleQuery } from "./api-schema.ts";
import { EDGE_DEFAULTS } from "../../../gateway/edge/settings.ts";
import { aliasesOf, depthOf, directivesOf, rootFieldsOf } from "../../../gateway/edge/rules.ts";
import { operationCost } from "../../../gateway/edge/cost.ts";
import { fragmentsOf } from "../../../gateway/edge/walk.ts";

const schema = apiSchema();

function measure(query: string, variables?: Record<string, unknown>) {
  const doc = parse(query, { maxTokens: EDGE_DEFAULTS.MAX_TOKENS });
  expect(validate(schema, doc, specifiedRules)).toEqual([]);
  const op = doc.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
  const f = fragmentsOf(doc);
  return {
    depth: depthOf(op, f),
    aliases: aliasesOf(op, f),
    rootFields: rootFieldsOf(op, f),
    directives: directivesOf(op, f),
    cost: operationCost(schema, op, f, { defaultListSize: EDGE_DEFAULTS.COST_DEFAULT_LIST_SIZE, variables }),
  };
}

// The analysis test's query: 50 projects with every measure's full analysis (the most expensive).
const ANALYSIS = `{ search(filter: { kinds: [PROJECT] }, first: 50) { edges { node { id ... on Project { measures {
  name improvement target points { date value }
  spc { status reason minimumPoints variation assurance phases { startDate pointCount mean upperProcessLimit lowerProcessLimit provisional } points { date value rules classification } }
  runChart { status median runs shift trend points { date rules } } } } } } } }`;

describe("the documented defaults", () => {
  it.each([
    ["the README example", readmeExampleQuery()],
    ["the README example at 100 a page", readmeExampleQuery().replaceAll("first: 20", "first: 100")],
    ["the introspection query", getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, inputValueDeprecation: true })],
    ["the analysis test's query", ANALYSIS],
  ])("let %s through with room to spare", (_, query) => {
    const m = measure(query);
    expect(m.depth).toBeLessThanOrEqual(EDGE_DEFAULTS.MAX_QUERY_DEPTH / 1.5);
    expect(m.aliases).toBeLessThanOrEqual(EDGE_DEFAULTS.MAX_ALIASES / 5);
    expect(m.rootFields).toBeLessThanOrEqual(EDGE_DEFAULTS.MAX_ROOT_FIELDS / 5);
    expect(m.directives).toBeLessThanOrEqual(EDGE_DEFAULTS.MAX_DIRECTIVES);
    expect(m.cost).toBeLessThanOrEqual(EDGE_DEFAULTS.MAX_QUERY_COST / 3);
  });

  it("stop three nested lists of search-sized pages", () => {
    const q = `{ search(first: 100) { edges { node { ... on Project { similarProjects(first: 20) { similarProjects(first: 20) { similarProjects(first: 20) { id } } } } } } } }`;
    expect(measure(q).cost).toBeGreaterThan(EDGE_DEFAULTS.MAX_QUERY_COST);
  });

  it("are the configuration's", () => {
    expect(EDGE_DEFAULTS).toMatchObject({
      MAX_QUERY_DEPTH: 12,
      MAX_ALIASES: 30,
      MAX_ROOT_FIELDS: 20,
      MAX_DIRECTIVES: 20,
      MAX_TOKENS: 1000,
      MAX_QUERY_COST: 250_000,
      COST_DEFAULT_LIST_SIZE: 10,
      MAX_PAGE_SIZE: 100,
      HTTP_BATCH_MAX: 0,
      INTROSPECTION: true,
      RATE_LIMIT_REQUESTS: 600,
      RATE_LIMIT_WINDOW_MS: 60_000,
    });
    expect(EDGE_DEFAULTS.REDIS_URL).toBeUndefined();
  });
});

// The documented defaults let real queries through with room to spare (the README's example, the
// standard introspection query, the biggest queries of the integration tests) and stop the attacks.
import { describe, expect, it } from "vitest";
import { getIntrospectionQuery, Kind, parse, validate, specifiedRules, type OperationDefinitionNode } from "graphql";
import { apiSchema, readmeExampleQuery } from "./api-schema.ts";
import { EDGE_DEFAULTS } from "../../../gateway/edge/settings.ts";
import { aliasesOf, depthOf, directivesOf, rootFieldsOf } from "../../../lib/limits/rules.ts";
import { operationCost } from "../../../lib/limits/cost.ts";
import { fragmentsOf } from "../../../lib/limits/walk.ts";
import { costDirectivesOf } from "../../../lib/limits/cost-directives.ts";
import { readFileSync } from "node:fs";
import { SUPERGRAPH_PATH } from "../../../schema/compose.ts";

const schema = apiSchema();
// The gateway's cost model: the contracts' @cost and @listSize, read from the supergraph.
const directives = costDirectivesOf(readFileSync(SUPERGRAPH_PATH, "utf8"));

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
    cost: operationCost(schema, op, f, {
      defaultListSize: EDGE_DEFAULTS.COST_DEFAULT_LIST_SIZE,
      variables,
      directives,
    }),
  };
}

// The analysis test's query: a project with every measure's full analysis and chart.
const ANALYSIS = `{ project(id: "essex-cc:project:post-falls-huddles") { id measures {
  name improvement target points { date value }
  spc { status reason minimumPoints variation assurance phases { startDate pointCount mean upperProcessLimit lowerProcessLimit provisional } points { date value rules classification } }
  runChart { status median runs shift trend points { date rules } } chart chartUrl } driverDiagram } }`;
// Every project's measure outcomes on a page of 50 (the analysis test's facet check).
const OUTCOMES = `{ search(filter: { kinds: [PROJECT] }, first: 50) { edges { node { id ... on Project { measures { spc { status variation } } } } } } }`;

describe("the documented defaults", () => {
  it.each([
    ["the README example", readmeExampleQuery()],
    [
      "the introspection query",
      getIntrospectionQuery({
        descriptions: true,
        specifiedByUrl: true,
        directiveIsRepeatable: true,
        inputValueDeprecation: true,
      }),
    ],
    ["the analysis test's query", ANALYSIS],
    ["every project's measure outcomes", OUTCOMES],
  ])("let %s through with room to spare", (_, query) => {
    const m = measure(query);
    expect(m.depth).toBeLessThanOrEqual(EDGE_DEFAULTS.MAX_QUERY_DEPTH / 1.5);
    expect(m.aliases).toBeLessThanOrEqual(EDGE_DEFAULTS.MAX_ALIASES / 5);
    expect(m.rootFields).toBeLessThanOrEqual(EDGE_DEFAULTS.MAX_ROOT_FIELDS / 5);
    expect(m.directives).toBeLessThanOrEqual(EDGE_DEFAULTS.MAX_DIRECTIVES);
    expect(m.cost).toBeLessThanOrEqual(EDGE_DEFAULTS.MAX_QUERY_COST / 2);
  });

  it("stop five aliased charts of each measure of a project", () => {
    // 10 measures (assumed) × 5 charts × 6,000: each chart of a 200-point series is ~60 kB of SVG.
    const q = `{ projectFromOwner(id: "essex-cc:project:post-falls-huddles") { measures { a: chart b: chart c: chart d: chart e: chart } } }`;
    expect(measure(q).cost).toBeGreaterThan(EDGE_DEFAULTS.MAX_QUERY_COST);
  });

  it("stop the README example at 100 a page: a thousand measures' points (200 assumed each)", () => {
    expect(measure(readmeExampleQuery().replaceAll("first: 20", "first: 100")).cost).toBeGreaterThan(
      EDGE_DEFAULTS.MAX_QUERY_COST,
    );
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

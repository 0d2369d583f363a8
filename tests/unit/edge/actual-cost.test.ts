// The actual cost of an answer: the estimate's model on the data really produced.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { parse, type OperationDefinitionNode } from "graphql";
import { apiSchema } from "./api-schema.ts";
import { resultCost, BYTES_PER_UNIT } from "../../../lib/limits/actual-cost.ts";
import { operationCost } from "../../../lib/limits/cost.ts";
import { fragmentsOf } from "../../../lib/limits/walk.ts";
import { costDirectivesOf } from "../../../lib/limits/cost-directives.ts";
import { SUPERGRAPH_PATH } from "../../../schema/compose.ts";

const schema = apiSchema();
const directives = costDirectivesOf(readFileSync(SUPERGRAPH_PATH, "utf8"));
const actual = (query: string, data: unknown) => {
  const doc = parse(query);
  return resultCost(schema, doc, doc.definitions[0] as OperationDefinitionNode, data, directives);
};
const points = (n: number) => Array.from({ length: n }, (_, i) => ({ date: "2024-01-01", value: i }));

describe("resultCost", () => {
  const query = `{ projectFromOwner(id: "x") { title measures { points { date value } } } }`;

  it("counts the lists the answer really holds, not their assumed size", () => {
    // projectFromOwner 1 + title 1 + measures (1 + 2 × points (1 + n × 2))
    expect(
      actual(query, { projectFromOwner: { title: "t", measures: [{ points: points(3) }, { points: points(7500) }] } }),
    ).toBe(1 + 1 + 1 + (1 + 3 * 2) + (1 + 7500 * 2));
    const doc = parse(query);
    // The estimate assumed 10 measures of 200 points.
    expect(
      operationCost(schema, doc.definitions[0] as OperationDefinitionNode, fragmentsOf(doc), {
        defaultListSize: 10,
        directives,
      }),
    ).toBe(1 + 1 + 1 + 10 * (1 + 200 * 2));
  });

  it("charges a heavy string its declared weight, or its size when that is more", () => {
    const q = `{ projectFromOwner(id: "x") { measures { chart } } }`;
    expect(actual(q, { projectFromOwner: { measures: [{ chart: "<svg/>" }] } })).toBe(1 + 1 + 6000);
    const big = "x".repeat(1_500_000);
    expect(actual(q, { projectFromOwner: { measures: [{ chart: big }] } })).toBe(1 + 1 + 1_500_000 / BYTES_PER_UNIT);
  });

  it("reads fragments on the answer's own type, and counts nothing for null or absent fields", () => {
    const q = `{ search(first: 2) { edges { node { __typename id ... on Project { measures { name } } ... on Network { memberCount } } } } }`;
    const data = {
      search: {
        edges: [
          { node: { __typename: "Project", id: "a", measures: [{ name: "m" }] } },
          { node: { __typename: "Network", id: "b", memberCount: 3 } },
          { node: null },
        ],
      },
    };
    // search 1 + edges 1 + [node 1 + id 1 + measures (1 + name 1)] + [node 1 + id 1 + memberCount 1] + [node 1]
    expect(actual(q, data)).toBe(1 + 1 + (1 + 1 + 2) + (1 + 1 + 1) + 1);
  });
});

// The supergraph's API schema (what the gateway validates client queries against), for the edge's
// unit tests, and the README's example query.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Supergraph } from "@apollo/federation-internals";
import { buildSchema, type GraphQLSchema } from "graphql";
import { SUPERGRAPH_PATH } from "../../../schema/compose.ts";

// @apollo/federation-internals builds with graphql's CommonJS copy: print with it, rebuild here.
const cjsGraphql = createRequire(import.meta.url)("graphql") as typeof import("graphql");

export function apiSchema(): GraphQLSchema {
  return buildSchema(
    cjsGraphql.printSchema(Supergraph.build(readFileSync(SUPERGRAPH_PATH, "utf8")).apiSchema().toGraphQLJSSchema()),
  );
}

export function readmeExampleQuery(): string {
  const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
  const match = /<!-- example-query[^>]*-->\s*```graphql\n([\s\S]*?)```/.exec(readme);
  if (!match?.[1]) throw new Error("README.md has no example query");
  return match[1];
}

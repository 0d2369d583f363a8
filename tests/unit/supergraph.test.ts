// The gateway boots from the committed schema/supergraph.graphql: it must be what the kind contracts
// compose to, and its public (API) schema must keep the names clients rely on.
import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Supergraph } from "@apollo/federation-internals";
import {
  buildSchema,
  getNamedType,
  GraphQLInterfaceType,
  GraphQLObjectType,
  isNonNullType,
  type GraphQLField,
  type GraphQLSchema,
} from "graphql";
import { composeSupergraph, SUPERGRAPH_PATH } from "../../schema/compose.ts";

function composed(): string {
  const result = composeSupergraph();
  if ("errors" in result) throw new Error(`composition failed:\n- ${result.errors.join("\n- ")}`);
  return result.supergraphSdl;
}

// @apollo/federation-internals builds its schema with the CommonJS copy of graphql, a different
// module instance from this file's ESM import: print it with that copy and rebuild it here, so that
// graphql's instanceof-based helpers work on it.
const cjsGraphql = createRequire(import.meta.url)("graphql") as typeof import("graphql");

function apiSchemaOf(sdl: string): GraphQLSchema {
  return buildSchema(cjsGraphql.printSchema(Supergraph.build(sdl).apiSchema().toGraphQLJSSchema()));
}

function queryField(schema: GraphQLSchema, name: string): GraphQLField<unknown, unknown> {
  const field = schema.getQueryType()?.getFields()[name];
  if (!field) throw new Error(`Query.${name} is not in the API schema`);
  return field;
}

describe("schema/supergraph.graphql", () => {
  it("composes from the kind contracts", () => {
    const result = composeSupergraph();
    const errors = "errors" in result ? result.errors : [];
    expect(errors, `composition failed:\n- ${errors.join("\n- ")}`).toEqual([]);
    expect("supergraphSdl" in result && result.supergraphSdl.length > 0).toBe(true);
  });

  it("is committed exactly as a fresh composition writes it", () => {
    const committed = readFileSync(SUPERGRAPH_PATH, "utf8");
    expect(committed, "schema/supergraph.graphql is out of date: run `npm run compose` and commit the result").toBe(
      composed(),
    );
  });
});

describe("the public API schema", () => {
  const api = apiSchemaOf(composed());

  it("has Query.search(query, filter, first, after, sort, includeEmptyFacets) returning a SearchConnection", () => {
    const search = queryField(api, "search");
    expect(search.args.map((a) => a.name)).toEqual(["query", "filter", "first", "after", "sort", "includeEmptyFacets"]);
    const arg = (n: string) => search.args.find((a) => a.name === n)!;
    expect(String(arg("query").type)).toBe("String");
    expect(String(arg("filter").type)).toBe("SearchFilter");
    expect(String(arg("first").type)).toBe("Int");
    expect(arg("first").defaultValue).toBe(20);
    expect(String(arg("after").type)).toBe("String");
    expect(String(arg("sort").type)).toBe("SearchSort");
    expect(arg("sort").defaultValue).toBe("RELEVANCE");
    expect(String(search.type)).toBe("SearchConnection!");
  });

  it.each([
    ["resource", "Resource"],
    ["network", "Network"],
    ["project", "Project"],
    ["organisation", "Organisation"],
  ])("has Query.%s(id: ID!) returning %s", (name, type) => {
    const field = queryField(api, name);
    expect(field.args.map((a) => `${a.name}: ${String(a.type)}`)).toEqual(["id: ID!"]);
    expect(String(field.type)).toBe(type);
  });

  it("has Query.organisations(type, region) and Query.framework", () => {
    expect(queryField(api, "organisations").args.map((a) => a.name)).toEqual(["type", "region"]);
    expect(String(queryField(api, "organisations").type)).toBe("[Organisation!]!");
    expect(String(queryField(api, "framework").type)).toBe("Framework!");
  });

  it("has the CatalogueItem interface with id, title, summary and organisation", () => {
    const item = api.getType("CatalogueItem");
    expect(item).toBeInstanceOf(GraphQLInterfaceType);
    const fields = (item as GraphQLInterfaceType).getFields();
    for (const name of ["id", "title", "summary", "organisation"]) expect(Object.keys(fields), name).toContain(name);
    expect(String(fields.id!.type)).toBe("ID!");
    expect(String(fields.title!.type)).toBe("String!");
    expect(isNonNullType(fields.summary!.type)).toBe(false);
    expect(getNamedType(fields.organisation!.type).name).toBe("Organisation");
  });

  it("has Resource, Network and Project implement CatalogueItem", () => {
    const item = api.getType("CatalogueItem") as GraphQLInterfaceType;
    expect(
      api
        .getPossibleTypes(item)
        .map((t) => t.name)
        .sort(),
    ).toEqual(["Network", "Project", "Resource"]);
    for (const name of ["Resource", "Network", "Project"]) {
      const type = api.getType(name);
      expect(type, name).toBeInstanceOf(GraphQLObjectType);
      expect(
        (type as GraphQLObjectType).getInterfaces().map((i) => i.name),
        name,
      ).toContain("CatalogueItem");
    }
  });

  it("keeps the harvest feeds out of the public API", () => {
    const fields = Object.keys(api.getQueryType()!.getFields());
    for (const feed of ["resourceFeed", "networkFeed", "projectFeed"]) expect(fields, feed).not.toContain(feed);
    for (const type of [
      "ResourceChangePage",
      "NetworkChangePage",
      "ProjectChangePage",
      "ResourceChange",
      "NetworkChange",
      "ProjectChange",
    ]) {
      expect(api.getType(type), type).toBeUndefined();
    }
  });

  it("still routes the feeds internally (they are in the supergraph, only inaccessible)", () => {
    const sdl = composed();
    for (const feed of ["resourceFeed", "networkFeed", "projectFeed"]) expect(sdl).toMatch(new RegExp(`\\b${feed}\\(`));
  });
});

// Apollo Server files every validation error under GRAPHQL_VALIDATION_FAILED and the parser's token
// limit under GRAPHQL_PARSE_FAILED; withEdgeCodes gives them back the edge's codes.
import { describe, expect, it } from "vitest";
import { ApolloServer } from "@apollo/server";
import { parse } from "graphql";
import { withEdgeCodes } from "../../../lib/limits/errors.ts";
import { gatewayServerOptions } from "../../../gateway/edge/index.ts";
import { edgeSettings } from "../../../gateway/edge/settings.ts";
import { maskError } from "../../../lib/errors.ts";

describe("graphql-js token limit", () => {
  it("stops parsing at maxTokens", () => {
    expect(() => parse(`{ ${"a ".repeat(2000)} }`, { maxTokens: 1000 })).toThrow(
      /Document contains more tha[nt] 1000 tokens/,
    );
  });
});

describe("edge errors through Apollo Server", () => {
  const server = async (overrides = {}) => {
    const apollo = new ApolloServer({
      typeDefs: `type Query { a: Int b(first: Int): [Q] } type Q { a: Int b(first: Int): [Q] }`,
      resolvers: { Query: { a: () => 1, b: () => [] } },
      ...gatewayServerOptions(edgeSettings({ NODE_ENV: "production", ...overrides }), maskError),
    });
    await apollo.start();
    return apollo;
  };
  const errorsOf = async (apollo: ApolloServer, query: string) => {
    const res = await apollo.executeOperation({ query });
    return res.body.kind === "single" ? (res.body.singleResult.errors ?? []) : [];
  };

  it("keeps each limit's code, message and measured value", async () => {
    const apollo = await server({
      MAX_QUERY_DEPTH: 3,
      MAX_ALIASES: 2,
      MAX_TOKENS: 200,
      MAX_QUERY_COST: 50,
      MAX_PAGE_SIZE: 10,
    });
    expect((await errorsOf(apollo, `{ b { b { b { a } } } }`))[0]).toMatchObject({
      message: "Query is nested 4 levels deep (fragments expanded); the limit is 3",
      extensions: { code: "QUERY_TOO_DEEP", limit: 3, actual: 4 },
    });
    expect((await errorsOf(apollo, `{ x: a y: a z: a }`))[0]?.extensions).toMatchObject({
      code: "TOO_MANY_ALIASES",
      actual: 3,
    });
    expect((await errorsOf(apollo, `{ ${"a ".repeat(300)} }`))[0]).toMatchObject({
      message: "Query has more than 200 tokens; the limit is 200 (parsing stopped there)",
      extensions: { code: "TOO_MANY_TOKENS", limit: 200 },
    });
    expect((await errorsOf(apollo, `{ b(first: 10) { b(first: 10) { a } } }`))[0]?.extensions).toMatchObject({
      code: "QUERY_TOO_COMPLEX",
      limit: 50,
      actual: 111,
    });
    expect((await errorsOf(apollo, `{ b(first: 11) { a } }`))[0]?.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      argumentPath: ["first"],
    });
    expect(await errorsOf(apollo, `{ b(first: 2) { a } }`)).toEqual([]);
    await apollo.stop();
  });

  it("hides field suggestions outside development, and shows them in development", async () => {
    const prod = await server();
    expect((await errorsOf(prod, `{ aa }`))[0]?.message).toBe('Cannot query field "aa" on type "Query".');
    await prod.stop();
    const dev = await server({ NODE_ENV: "development" });
    expect((await errorsOf(dev, `{ aa }`))[0]?.message).toMatch(/Did you mean "a"/);
    await dev.stop();
  });

  it("turns introspection off with INTROSPECTION=false", async () => {
    const off = await server({ INTROSPECTION: false });
    expect((await errorsOf(off, `{ __schema { queryType { name } } }`))[0]?.extensions?.code).toBe(
      "GRAPHQL_VALIDATION_FAILED",
    );
    await off.stop();
    const on = await server();
    expect(await errorsOf(on, `{ __schema { queryType { name } } }`)).toEqual([]);
    await on.stop();
  });

  it("leaves other errors to the wrapped formatError", () => {
    const format = withEdgeCodes((f) => ({ ...f, message: "seen" }));
    expect(format({ message: "x", extensions: { code: "GRAPHQL_PARSE_FAILED" } }, new Error("x"))).toEqual({
      message: "seen",
      extensions: { code: "GRAPHQL_PARSE_FAILED" },
    });
  });
});

// The contract check that quarantines partners and catches breaking contract changes in CI.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { buildSubgraphSchema, printSubgraphSchema } from "@apollo/subgraph";
import { parse } from "graphql";
import { contractProblems } from "../../lib/contract/compare.ts";
import { contractSdl } from "../../schema/contracts.ts";
import { PARTNER_KINDS, ALL_KINDS } from "../../schema/kinds.ts";

describe("contractProblems", () => {
  it.each(PARTNER_KINDS)("accepts what a %s partner built from the contract reports in _service { sdl }", (kind) => {
    const served = printSubgraphSchema(buildSubgraphSchema(parse(contractSdl(kind))));
    expect(contractProblems(contractSdl(kind), served)).toEqual([]);
  });

  it("accepts extra fields and types (the supergraph never asks for them)", () => {
    const c = contractSdl("resources");
    const extended =
      c.replace("  url: String\n", "  url: String\n  internalNotes: String\n") + "\ntype Extra { x: Int }\n";
    expect(contractProblems(c, extended)).toEqual([]);
  });

  it("names a changed field type", () => {
    const c = contractSdl("resources");
    expect(contractProblems(c, c.replace("title: String! @shareable", "title: Int @shareable"))).toContain(
      "Resource.title changed type from String! to Int.",
    );
  });

  it("names a missing field, a missing enum value and a changed key", () => {
    const c = contractSdl("projects");
    const broken = c
      .replace("  aim: String\n", "")
      .replace("  SUSTAINING\n", "")
      .replace('type Project @key(fields: "id")', 'type Project @key(fields: "title")');
    const problems = contractProblems(c, broken);
    expect(problems.join("\n")).toMatch(/Project\.aim was removed/);
    expect(problems.join("\n")).toMatch(/SUSTAINING was removed/);
    expect(problems.join("\n")).toMatch(/Project must be an entity with @key\(fields: "id"\)/);
  });

  it("still accepts a projects partner built before resources' items became nullable (a stricter output is compatible)", () => {
    const c = contractSdl("projects");
    const before = c
      .replace("  resources: [Resource]\n", "  resources: [Resource!]\n")
      .replace("  resource: Resource\n", "  resource: Resource!\n");
    expect(before).not.toBe(c);
    expect(contractProblems(c, before)).toEqual([]);
  });

  it("refuses a schema that does not parse", () => {
    expect(contractProblems(contractSdl("networks"), "type {")[0]).toMatch(/does not parse/);
  });
});

describe("published contracts", () => {
  // schema/published/<kind>.graphql is the contract partners have built against. The working
  // contract may add to it; anything breaking must be a deliberate new version (update the
  // published file in the same change, and tell the partners).
  it.each(ALL_KINDS)("the %s contract has no breaking change against the published one", (kind) => {
    const published = readFileSync(new URL(`../../schema/published/${kind}.graphql`, import.meta.url), "utf8");
    expect(contractProblems(published, contractSdl(kind))).toEqual([]);
  });
});

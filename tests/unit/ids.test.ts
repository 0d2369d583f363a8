// Global ids are the routing contract: the gateway finds an item's owner from its id alone.
import { describe, it, expect } from "vitest";
import { formatId, globalIdOf, parseId } from "../../schema/ids.ts";
import { PARTNER_KINDS } from "../../schema/kinds.ts";

describe("formatId / parseId", () => {
  it.each([
    ["resources", "resource"],
    ["networks", "network"],
    ["projects", "project"],
  ] as const)("round-trips a %s id through the word %s", (kind, word) => {
    const id = formatId("essex-cc", kind, "care-home_safety-2");
    expect(id).toBe(`essex-cc:${word}:care-home_safety-2`);
    expect(parseId(id)).toEqual({ partner: "essex-cc", kind, local: "care-home_safety-2" });
  });

  it("covers every partner kind", () => {
    for (const kind of PARTNER_KINDS) {
      expect(parseId(formatId("p1", kind, "X"))?.kind).toBe(kind);
    }
  });

  it("accepts the longest partner (40) and local (80) ids", () => {
    const partner = `a${"b".repeat(38)}c`;
    const local = `L${"x".repeat(79)}`;
    expect(parseId(`${partner}:project:${local}`)).toEqual({ partner, kind: "projects", local });
  });

  it.each([
    ["an empty string", ""],
    ["a partner only", "essex-cc"],
    ["no local part", "essex-cc:project"],
    ["an empty local id", "essex-cc:project:"],
    ["an empty partner", ":project:care-home-safety"],
    ["an empty word", "essex-cc::care-home-safety"],
    ["an unknown word", "essex-cc:widget:care-home-safety"],
    ["a kind name instead of the id word", "essex-cc:projects:care-home-safety"],
    ["an uppercase partner", "Essex-cc:project:care-home-safety"],
    ["an uppercase word", "essex-cc:Project:care-home-safety"],
    ["a partner ending in '-'", "essex-:project:care-home-safety"],
    ["a partner starting with '-'", "-essex:project:care-home-safety"],
    ["a partner longer than 40 characters", `${"a".repeat(41)}:project:x`],
    ["a local id longer than 80 characters", `essex-cc:project:${"x".repeat(81)}`],
    ["a local id starting with '-'", "essex-cc:project:-x"],
    ["a local id with a space", "essex-cc:project:care home"],
    ["an extra colon", "essex-cc:project:care-home:safety"],
    ["a trailing colon", "essex-cc:project:care-home-safety:"],
    ["a very long string", `essex-cc:project:${"x".repeat(10_000)}`],
  ])("rejects %s", (_what, id) => {
    expect(parseId(id)).toBeUndefined();
  });

  it("rejects values that are not strings without throwing", () => {
    expect(parseId(42 as unknown as string)).toBeUndefined();
    expect(parseId(undefined as unknown as string)).toBeUndefined();
  });
});

describe("globalIdOf", () => {
  it("accepts an id of its kind", () => {
    expect(globalIdOf("networks").safeParse("slpsc:network:sepsis")).toMatchObject({
      success: true,
      data: "slpsc:network:sepsis",
    });
  });

  it.each([
    ["resources", "resource"],
    ["networks", "network"],
    ["projects", "project"],
  ] as const)("refuses another kind's id for %s, saying which shape it expected", (kind, word) => {
    const other = kind === "projects" ? "slpsc:network:sepsis" : "essex-cc:project:care-home-safety";
    const result = globalIdOf(kind).safeParse(other);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toEqual([
      `expected a ${word} id of the form <partner>:${word}:<local id>`,
    ]);
  });

  it("refuses a malformed id with the same message", () => {
    const result = globalIdOf("resources").safeParse("improvement-hub:resource:");
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe("expected a resource id of the form <partner>:resource:<local id>");
  });

  it("refuses a value that is not a string", () => {
    expect(globalIdOf("resources").safeParse(7).success).toBe(false);
  });
});

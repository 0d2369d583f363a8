// Where the gateway sends a mutation: the caller's own partner for a create, the owner named by
// the id otherwise, and never another organisation's partner.
import { describe, expect, it } from "vitest";
import { planRootFetch, routeRootFetch } from "../../../gateway/root-routing.ts";
import { parse } from "graphql";
import { Registry, type PartnerEntry } from "../../../lib/registry/registry.ts";
import { ANONYMOUS, type UserIdentity } from "../../../lib/auth/identity.ts";

const entry = (
  id: string,
  organisation: string,
  kind: PartnerEntry["kind"],
  port: number,
  enabled = true,
): PartnerEntry => ({
  id,
  name: id,
  organisation,
  kind,
  port,
  region: "national",
  enabled,
});
const registry = new Registry(
  [
    entry("national-catalogue", "nhs-england", "catalogue", 4100),
    entry("improvement-hub", "nhs-england", "resources", 4101),
    entry("hub-two", "nhs-england", "resources", 4103),
    entry("leadership-academy", "nhs-leadership-academy", "resources", 4102),
    entry("old-academy", "nhs-leadership-academy", "resources", 4104, false),
  ],
  "http://127.0.0.1:{port}/graphql",
);
const editor = (organisation: string): UserIdentity => ({
  kind: "user",
  issuer: "test-idp",
  user: "u1",
  organisation,
  roles: ["editor"],
});
const route = (query: string, variables: Record<string, unknown>, identity = editor("nhs-leadership-academy")) =>
  routeRootFetch(query, variables, "resources", identity, registry);
const partnerOf = (r: ReturnType<typeof route>) => ("partner" in r ? r.partner.id : r.error.code);

describe("routing root fields", () => {
  it("sends an update to the partner its id names, from a variable or a literal", () => {
    expect(
      partnerOf(
        route(`mutation($id: ID!) { updateResource(id: $id, input: {}, idempotencyKey: "k") { id } }`, {
          id: "improvement-hub:resource:x",
        }),
      ),
    ).toBe("improvement-hub");
    expect(
      partnerOf(
        route(`mutation { deleteResource(id: "leadership-academy:resource:y", idempotencyKey: "k") { id } }`, {}),
      ),
    ).toBe("leadership-academy");
  });

  it("sends a create to the caller's own partner of the kind", () => {
    expect(partnerOf(route(`mutation { createResource(input: {}, idempotencyKey: "k") { id } }`, {}))).toBe(
      "leadership-academy",
    );
  });

  it("asks which partner when the organisation runs several, and takes the one named", () => {
    const many = route(`mutation { createResource(input: {}, idempotencyKey: "k") { id } }`, {}, editor("nhs-england"));
    expect(many).toMatchObject({ error: { code: "BAD_USER_INPUT" } });
    expect(("error" in many && many.error.message) || "").toContain("improvement-hub, hub-two");
    expect(
      partnerOf(
        route(
          `mutation { createResource(input: {}, idempotencyKey: "k", partner: "hub-two") { id } }`,
          {},
          editor("nhs-england"),
        ),
      ),
    ).toBe("hub-two");
  });

  it("never creates in another organisation's partner", () => {
    expect(
      partnerOf(
        route(`mutation { createResource(input: {}, idempotencyKey: "k", partner: "improvement-hub") { id } }`, {}),
      ),
    ).toBe("FORBIDDEN");
  });

  it("refuses an anonymous create before calling anyone", () => {
    expect(
      partnerOf(route(`mutation { createResource(input: {}, idempotencyKey: "k") { id } }`, {}, ANONYMOUS as never)),
    ).toBe("UNAUTHENTICATED");
  });

  it("refuses ids of unknown, disabled or other-kind partners, and malformed ids", () => {
    expect(
      partnerOf(route(`mutation { deleteResource(id: "nobody:resource:x", idempotencyKey: "k") { id } }`, {})),
    ).toBe("UNKNOWN_PARTNER");
    expect(
      partnerOf(route(`mutation { deleteResource(id: "old-academy:resource:x", idempotencyKey: "k") { id } }`, {})),
    ).toBe("UNKNOWN_PARTNER");
    expect(
      partnerOf(route(`mutation { deleteResource(id: "essex-cc:project:x", idempotencyKey: "k") { id } }`, {})),
    ).toBe("BAD_USER_INPUT");
    expect(partnerOf(route(`mutation { deleteResource(id: "not an id", idempotencyKey: "k") { id } }`, {}))).toBe(
      "BAD_USER_INPUT",
    );
  });

  it("writes to one partner per request", () => {
    const spans = route(
      `mutation { a: deleteResource(id: "improvement-hub:resource:x", idempotencyKey: "k1") { id } b: deleteResource(id: "leadership-academy:resource:y", idempotencyKey: "k2") { id } }`,
      {},
    );
    expect(spans).toMatchObject({ error: { code: "WRITE_SPANS_PARTNERS", path: ["b"] } });
    const same = route(
      `mutation { a: deleteResource(id: "improvement-hub:resource:x", idempotencyKey: "k1") { id } b: publishResource(id: "improvement-hub:resource:y", idempotencyKey: "k2") { id } }`,
      {},
    );
    expect(partnerOf(same)).toBe("improvement-hub");
  });
});

describe("a read whose owner fields name several partners", () => {
  const query = `query Two($a: ID!, $b: ID!, $unused: Int) {
    __typename
    x: resourceFromOwner(id: $a) { ...Core }
    y: resourceFromOwner(id: $b) { id kind }
  }
  fragment Core on Resource { id title }`;
  const plan = planRootFetch(
    query,
    { a: "improvement-hub:resource:x", b: "leadership-academy:resource:y" },
    "resources",
    ANONYMOUS,
    registry,
  );

  it("is split per partner, each document with only its own fields, variables and fragments", () => {
    if (!("parts" in plan)) throw new Error(`not split: ${JSON.stringify(plan)}`);
    expect(plan.keys).toEqual(["__typename", "x", "y"]);
    expect(plan.parts.map((p) => [p.partner.id, p.keys, p.variables])).toEqual([
      ["improvement-hub", ["__typename", "x"], ["a"]],
      ["leadership-academy", ["y"], ["b"]],
    ]);
    // Each part is a valid document on its own: no unused variable or fragment.
    const [first, second] = plan.parts.map((p) => parse(p.query));
    expect(first!.definitions.map((d) => d.kind)).toEqual(["OperationDefinition", "FragmentDefinition"]);
    expect(second!.definitions.map((d) => d.kind)).toEqual(["OperationDefinition"]);
  });

  it("is one fetch when one partner owns every field, and a mutation still may not span partners", () => {
    expect(
      planRootFetch(
        query,
        { a: "improvement-hub:resource:x", b: "improvement-hub:resource:y" },
        "resources",
        ANONYMOUS,
        registry,
      ),
    ).toMatchObject({ partner: { id: "improvement-hub" } });
    const write = `mutation { a: deleteResource(id: "improvement-hub:resource:x", idempotencyKey: "k1") { id } b: deleteResource(id: "leadership-academy:resource:y", idempotencyKey: "k2") { id } }`;
    expect(planRootFetch(write, {}, "resources", editor("nhs-england"), registry)).toMatchObject({
      error: { code: "WRITE_SPANS_PARTNERS" },
    });
  });
});

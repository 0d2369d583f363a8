// What a partner serves to the national catalogue's signature: the fields in lib/auth/catalogue-scope.ts,
// which must exist (a typo there would break the harvest), and nothing else.
import { describe, expect, it } from "vitest";
import { Kind, parse, type ObjectTypeDefinitionNode, type OperationDefinitionNode } from "graphql";
import { CATALOGUE_ROOT_FIELDS, catalogueScopeViolation } from "../../../lib/auth/catalogue-scope.ts";
import { contractDocument } from "../../../schema/contracts.ts";
import { PARTNER_KINDS } from "../../../schema/kinds.ts";
import { FEED_QUERY, VERSIONS_QUERY } from "../../../subgraphs/catalogue/harvest/feeds.ts";

const violation = (query: string, variables: Record<string, unknown> = {}) => {
  const document = parse(query);
  return catalogueScopeViolation(
    document,
    document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!,
    variables,
  );
};

describe("the catalogue's scope", () => {
  it("lists only root fields some partner contract has (or federation's _service and _entities)", () => {
    const queryFields = new Set(
      PARTNER_KINDS.flatMap((kind) =>
        contractDocument(kind)
          .definitions.filter(
            (d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === "Query",
          )
          .flatMap((q) => (q.fields ?? []).map((f) => f.name.value)),
      ),
    );
    for (const field of CATALOGUE_ROOT_FIELDS)
      if (!["_service", "_entities", "__typename"].includes(field)) expect(queryFields, field).toContain(field);
  });

  it("allows what the harvester, the reconciliation and the schema checker send", () => {
    for (const kind of PARTNER_KINDS) {
      expect(violation(FEED_QUERY[kind].query), kind).toBeUndefined();
      expect(violation(VERSIONS_QUERY[kind].query), kind).toBeUndefined();
    }
    // Reconciliation reads differing items back by reference (published ones only: tests/integration/write-scope.test.ts).
    expect(violation(`{ _entities(representations: []) { __typename } }`)).toBeUndefined();
    expect(violation("{ _service { sdl } }")).toBeUndefined();
  });

  it("refuses mutations and reads by id, also hidden in fragments, naming the field", () => {
    expect(violation(`mutation { createResource(input: {}, idempotencyKey: "k") { id } }`)?.message).toMatch(
      /no mutations/,
    );
    expect(
      violation(`{ _service { sdl } ...F } fragment F on Query { r: resourceFromOwner(id: "x") { id } }`),
    ).toMatchObject({ path: ["r"] });
    // A skipped field does not run, so it is no violation; an included one is.
    expect(
      violation(`query($s: Boolean!) { _service { sdl } resourceFromOwner(id: "x") @skip(if: $s) { id } }`, {
        s: true,
      }),
    ).toBeUndefined();
    expect(
      violation(`query($s: Boolean!) { _service { sdl } resourceFromOwner(id: "x") @skip(if: $s) { id } }`, {
        s: false,
      }),
    ).toMatchObject({ path: ["resourceFromOwner"] });
  });
});

// Every root field a partner contract declares (but the catalogue's @inaccessible feeds) must have
// a route in schema/write-routes.ts, through an argument the field really has: otherwise the
// gateway could not send it anywhere and users would find out first.
import { describe, expect, it } from "vitest";
import { Kind, type FieldDefinitionNode, type ObjectTypeDefinitionNode, type ObjectTypeExtensionNode } from "graphql";
import { contractDocument } from "../../schema/contracts.ts";
import { PARTNER_KINDS } from "../../schema/kinds.ts";
import { ROOT_ROUTES } from "../../schema/write-routes.ts";

function rootFields(kind: (typeof PARTNER_KINDS)[number]): FieldDefinitionNode[] {
  return contractDocument(kind).definitions.flatMap((d) =>
    (d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION) &&
    ["Query", "Mutation"].includes(d.name.value)
      ? [...((d as ObjectTypeDefinitionNode | ObjectTypeExtensionNode).fields ?? [])]
      : [],
  );
}
const inaccessible = (f: FieldDefinitionNode) => f.directives?.some((d) => d.name.value === "inaccessible") ?? false;

describe("root field routes", () => {
  it.each(PARTNER_KINDS.map((k) => [k]))(
    "every public root field of the %s contract is routed, by an argument it has",
    (kind) => {
      for (const field of rootFields(kind).filter((f) => !inaccessible(f))) {
        const route = ROOT_ROUTES[field.name.value];
        expect(route, `${kind}: ${field.name.value} has no route in schema/write-routes.ts`).toBeDefined();
        expect(route!.kind).toBe(kind);
        const arg = route!.target.to === "owner" ? route!.target.idArg : route!.target.partnerArg;
        expect(
          field.arguments?.map((a) => a.name.value),
          `${field.name.value} lacks its routing argument ${arg}`,
        ).toContain(arg);
      }
    },
  );

  it("lists no field that no contract declares", () => {
    const declared = new Set(PARTNER_KINDS.flatMap((k) => rootFields(k).map((f) => f.name.value)));
    expect(Object.keys(ROOT_ROUTES).filter((name) => !declared.has(name))).toEqual([]);
  });

  it("every mutation takes an idempotencyKey", () => {
    for (const kind of PARTNER_KINDS) {
      const mutations = contractDocument(kind).definitions.flatMap((d) =>
        d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === "Mutation" ? [...(d.fields ?? [])] : [],
      );
      for (const m of mutations)
        expect(
          m.arguments?.map((a) => a.name.value),
          `${kind}: ${m.name.value}`,
        ).toContain("idempotencyKey");
    }
  });
});

// What a partner serves to the national catalogue's own signature (its harvest and schema checks):
// queries of these root fields only. The catalogue's key is held by a service that reads every
// partner; if it leaked, it must not write anything or read a draft. Anything else it signs (a
// mutation, `resourceFromOwner`...) is refused before execution
// (subgraphs/shared/catalogue-scope-plugin.ts). A new call of the catalogue's is one line here.
import type { DocumentNode, OperationDefinitionNode } from "graphql";
import { rootFields } from "../root-fields.ts";

export const CATALOGUE_ROOT_FIELDS: ReadonlySet<string> = new Set([
  // Schema checks (lib/contract/checker.ts).
  "_service",
  // Change feeds (subgraphs/catalogue/harvest/feeds.ts): published items and removals by id only.
  "resourceFeed",
  "networkFeed",
  "projectFeed",
  // Reconciliation (subgraphs/catalogue/harvest/reconcile.ts): the id + version listings, and the
  // items that differ read back by reference. A catalogue-signed caller is no member of the
  // partner's organisation, so `_entities` answers it published items only, as it would anyone.
  "resourceVersions",
  "networkVersions",
  "projectVersions",
  "_entities",
  "__typename",
]);

/** Why the catalogue may not run this operation, or undefined when it may. */
export function catalogueScopeViolation(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): { message: string; path?: string[] } | undefined {
  if (operation.operation !== "query")
    return { message: `The national catalogue's signature allows no ${operation.operation}s` };
  for (const field of rootFields(document, operation, variables)) {
    if (!CATALOGUE_ROOT_FIELDS.has(field.name.value)) {
      return {
        message: `The national catalogue's signature allows ${[...CATALOGUE_ROOT_FIELDS].filter((f) => f !== "__typename").join(", ")} only, not ${field.name.value}`,
        path: [field.alias?.value ?? field.name.value],
      };
    }
  }
  return undefined;
}

// The root fields an operation will execute, with fragments expanded and @skip/@include applied, in
// document order: what the gateway checks before a mutation runs (one partner per request) and what
// a partner checks before serving the national catalogue (lib/auth/catalogue-scope.ts). Written here
// rather than taken from graphql-js's internal collectFields, which is not part of its public API.
import {
  Kind,
  valueFromASTUntyped,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";

function included(directives: readonly DirectiveNode[] | undefined, variables: Record<string, unknown>): boolean {
  for (const d of directives ?? []) {
    if (d.name.value !== "skip" && d.name.value !== "include") continue;
    const arg = d.arguments?.find((a) => a.name.value === "if");
    const value = arg ? valueFromASTUntyped(arg.value, variables) : undefined;
    if (d.name.value === "skip" && value === true) return false;
    if (d.name.value === "include" && value !== true) return false;
  }
  return true;
}

/** Every root field node that will run, in order (a response key asked twice appears twice). */
export function rootFields(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> = {},
): FieldNode[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const out: FieldNode[] = [];
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode) => {
    for (const s of set.selections) {
      if (!included(s.directives, variables)) continue;
      if (s.kind === Kind.FIELD) out.push(s);
      else if (s.kind === Kind.INLINE_FRAGMENT) walk(s.selectionSet);
      else if (!seen.has(s.name.value)) {
        // A fragment spread twice adds nothing new; a cycle is a validation error already.
        seen.add(s.name.value);
        const f = fragments.get(s.name.value);
        if (f) walk(f.selectionSet);
      }
    }
  };
  walk(operation.selectionSet);
  return out;
}

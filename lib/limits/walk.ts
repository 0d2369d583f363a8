// Measures an operation as it would execute: fragment spreads expanded in place. Each fragment is
// measured once and remembered, so a "fragment bomb" (fragments spreading others many times) costs
// linear work here however large its expansion is; a fragment cycle measures as empty (graphql-js's
// NoFragmentCyclesRule reports it) instead of recursing forever.
import { Kind, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode } from "graphql";

export interface Measure {
  /** A field's value from the value of its own selection set (`inner`, `empty` for a leaf). */
  field(node: FieldNode, inner: number): number;
  /** Siblings of one selection set. */
  combine(a: number, b: number): number;
  /** The value of an empty selection set (and of a fragment cycle). */
  empty: number;
  /** Extra per fragment spread or inline fragment (their directives, for instance). */
  fragment?(node: { directives?: readonly { name: { value: string } }[] }): number;
}

export function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const map = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) map.set(d.name.value, d);
  return map;
}

/** The measure of a selection set with every fragment expanded. */
export function measureSelections(
  selectionSet: SelectionSetNode | undefined,
  fragments: Map<string, FragmentDefinitionNode>,
  m: Measure,
): number {
  const memo = new Map<string, number>();
  const active = new Set<string>();
  const walk = (set: SelectionSetNode | undefined): number => {
    let total = m.empty;
    for (const s of set?.selections ?? []) {
      if (s.kind === Kind.FIELD) total = m.combine(total, m.field(s, walk(s.selectionSet)));
      else if (s.kind === Kind.INLINE_FRAGMENT)
        total = m.combine(total, m.combine(m.fragment?.(s) ?? m.empty, walk(s.selectionSet)));
      else {
        const name = s.name.value;
        let value = memo.get(name);
        if (value === undefined) {
          const def = fragments.get(name);
          if (!def || active.has(name)) value = m.empty;
          else {
            active.add(name);
            value = m.combine(m.fragment?.(def) ?? m.empty, walk(def.selectionSet));
            active.delete(name);
            memo.set(name, value);
          }
        }
        total = m.combine(total, m.combine(m.fragment?.(s) ?? m.empty, value));
      }
    }
    return total;
  };
  return walk(selectionSet);
}

// The facet values an indexed item carries, as "dimension:value" strings in Item.facets. Search
// filters and facet counts both read this one column, so a dimension is added here and nowhere else.
import type { IndexedItem } from "../data/items.ts";

type FacetInput = Omit<IndexedItem, "facets">;

/** Kind-specific values (resource kind, network type, project status) come from the feed node. */
export function facetsOf(item: FacetInput, kindSpecific: string[]): string[] {
  return [...kindSpecific];
}

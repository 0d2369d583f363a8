// The one statement that counts every facet of a search. The items that match the query and the
// partner filter are read once (`base`), with one boolean per facet dimension that has a
// selection; then one GROUP BY per dimension over unnest(facets), UNION ALL, each applying every
// selection except its own dimension's (disjunctive facets).
import { FACET_DIMENSIONS } from "../harvest/facets.ts";
import type { SearchPredicates } from "./search.ts";

export interface FacetCountRow {
  facet: string;
  count: number | string;
}

export function facetCountsStatement(preds: SearchPredicates): string {
  const active = FACET_DIMENSIONS.filter((d) => preds.byDimension.has(d.dimension));
  const column = (i: number) => `m${i}`;
  const flags = active.map((d, i) => `, (${preds.byDimension.get(d.dimension)}) AS ${column(i)}`).join("");
  const branches = FACET_DIMENSIONS.map((d) => {
    const others = active.flatMap((a, i) => (a.dimension === d.dimension ? [] : [`b.${column(i)}`]));
    const prefix = `${d.prefix}:`;
    // Prefixes are constants of this module (letters only), never user input.
    const conditions = [`left(f, ${prefix.length}) = '${prefix}'`, ...others];
    return `SELECT f AS facet, count(*)::int AS count FROM base b CROSS JOIN LATERAL unnest(b.facets) AS f WHERE ${conditions.join(" AND ")} GROUP BY f`;
  });
  const where = preds.common.length ? `WHERE ${preds.common.join(" AND ")}` : "";
  return `WITH base AS MATERIALIZED (SELECT facets${flags} FROM "Item" ${where})\n${branches.join("\nUNION ALL\n")}`;
}

// National search over the index: PostgreSQL full-text (English stemming, title > summary > body),
// filters on every facet dimension, sorting, a total count, cursor pagination and facet counts.
// A page costs two statements (the page and the count) and the facets one more, whatever the page
// size (data/facets-sql.ts builds that one).
import { createHash } from "node:crypto";
import { z } from "zod";
import type { SqlRunner } from "../../../lib/db/migrate.ts";
import { contractEnumOf, driverId, regionId, settingId, topicId, organisationId } from "../../../lib/vocabulary-zod.ts";
import { CONDITION_IDS } from "../../../schema/vocabulary.ts";
import { PARTNER_ID_PATTERN } from "../../../schema/ids.ts";
import { ENTITY_OF_KIND, PARTNER_KINDS } from "../../../schema/kinds.ts";
import { badInput, fromZod } from "../../../lib/errors.ts";
import { storableString } from "../../../lib/text-zod.ts";
import { FACET_DIMENSIONS, facet, type FacetDimension } from "../harvest/facets.ts";
import { facetCountsStatement, type FacetCountRow } from "./facets-sql.ts";

export const SEARCH_MAX_PAGE = 100;
export const SEARCH_MAX_QUERY = 200;
export const SEARCH_SORTS = ["RELEVANCE", "NEWEST", "TITLE"] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];

const list = <T extends z.ZodType>(item: T) => z.array(item).max(50).optional().nullable();

const ITEM_KINDS = PARTNER_KINDS.map((k) => ENTITY_OF_KIND[k].itemKind) as ["RESOURCE", "NETWORK", "PROJECT"];

export const searchFilter = z.object({
  kinds: list(z.enum(ITEM_KINDS)),
  partners: list(z.string().regex(PARTNER_ID_PATTERN, "not a partner id")),
  organisations: list(organisationId),
  conditions: list(z.enum(CONDITION_IDS)),
  drivers: list(driverId),
  topics: list(topicId),
  settings: list(settingId),
  regions: list(regionId),
  // Kind-specific values are declared by the partner contracts, so they are validated against them.
  resourceKinds: list(contractEnumOf("resources", "ResourceKind")),
  projectStatuses: list(contractEnumOf("projects", "ProjectStatus")),
  variations: list(contractEnumOf("projects", "VariationIcon")),
});

export const searchArgs = z.object({
  query: storableString().max(SEARCH_MAX_QUERY, `must be at most ${SEARCH_MAX_QUERY} characters`).optional().nullable(),
  first: z
    .number()
    .int()
    .min(1, "must be between 1 and 100")
    .max(SEARCH_MAX_PAGE, "must be between 1 and 100")
    .default(20),
  after: storableString().max(200).optional().nullable(),
  filter: searchFilter.optional().nullable(),
  // Facet values with no match are listed too (count 0): a national dashboard shows "0 in the Midlands".
  includeEmptyFacets: z
    .boolean()
    .nullish()
    .transform((v) => v ?? false),
  // GraphQL gives the default (RELEVANCE) when the argument is absent; an explicit null means the same.
  sort: z
    .enum(SEARCH_SORTS)
    .nullable()
    .optional()
    .transform((s) => s ?? "RELEVANCE"),
});

export type SearchArgs = z.infer<typeof searchArgs>;

/**
 * Every value a facet dimension can take: exactly what its filter accepts (the vocabulary, the
 * organisation directory, or a contract enum), so the two can never disagree.
 */
export const FACET_DOMAINS: ReadonlyMap<FacetDimension, readonly string[]> = new Map(
  FACET_DIMENSIONS.map((d) => [
    d.dimension,
    searchFilter.shape[d.filter].unwrap().unwrap().element.options as readonly string[],
  ]),
);
export type SearchFilter = z.infer<typeof searchFilter>;

export interface SearchHit {
  id: string;
  typename: string;
  partnerId: string;
  organisationId: string;
  title: string;
  summary: string | null;
  stale: boolean;
  lastSeen: Date;
  /** Networks: linked network ids, so Network.linkedNetworks needs no second lookup. */
  linkedIds: string[];
  score: number | null;
}

/** One edge of a search page, as the SearchEdge resolvers receive it. */
export interface SearchEdgeResult {
  node: SearchHit;
  score: number | null;
  cursor: string;
}

/** A search page, as the SearchConnection resolvers receive it: the arguments too, for its facets. */
export interface SearchConnectionResult {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: SearchEdgeResult[];
  args: SearchArgs;
}

/** The filter with empty lists dropped and values sorted: two filters that select the same items are equal. */
function canonicalFilter(filter: SearchFilter | null | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const key of Object.keys(searchFilter.shape).sort()) {
    const values = (filter as Record<string, string[] | null | undefined> | null | undefined)?.[key];
    if (values?.length) out[key] = [...new Set(values)].sort();
  }
  return out;
}

// The cursor is an offset into a result list that the query, the filter and the sort define; it
// carries a hash of all three so a cursor from another search is refused rather than misapplied.
function fingerprint(args: SearchArgs): string {
  return createHash("sha256")
    .update(JSON.stringify([args.query?.trim() ?? "", canonicalFilter(args.filter), args.sort]))
    .digest("base64url")
    .slice(0, 16);
}

function encodeCursor(offset: number, args: SearchArgs) {
  return Buffer.from(JSON.stringify({ o: offset, f: fingerprint(args) })).toString("base64url");
}

function decodeCursor(cursor: string | null | undefined, args: SearchArgs): number {
  if (!cursor) return 0;
  try {
    const parsed = z
      .object({ o: z.number().int().min(0), f: z.string() })
      .parse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
    if (parsed.f !== fingerprint(args)) throw new Error("cursor from another search");
    return parsed.o;
  } catch {
    throw badInput("after is not a cursor of this search", ["after"]);
  }
}

/** Validates search arguments; a violation is one BAD_USER_INPUT error naming the argument path. */
export function parseSearchArgs(raw: unknown): SearchArgs {
  const parsed = searchArgs.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const [arg, ...rest] = issue.path.map(String);
    throw fromZod({ issues: [{ ...issue, path: rest }] }, arg ?? "query");
  }
  return parsed.data;
}

/** Positional parameters of one statement: `param(v)` appends v and answers its placeholder. */
export class Params {
  readonly values: unknown[] = [];
  param(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/**
 * The predicates a search applies, kept apart by dimension so that facet counts can leave one out:
 * the text match and the partner filter always apply; each facet dimension with selected values
 * matches an item carrying any of them (OR within a dimension, AND across dimensions).
 */
export interface SearchPredicates {
  /** The tsquery expression of the query text, if any. */
  tsquery: string | null;
  /** Always applied: the text match and the partner filter. */
  common: string[];
  /** One predicate per facet dimension that has selected values. */
  byDimension: Map<FacetDimension, string>;
  /** The selected values of each dimension, as "prefix:value" strings. */
  selected: Map<FacetDimension, string[]>;
}

export function searchPredicates(args: SearchArgs, p: Params): SearchPredicates {
  const common: string[] = [];
  const text = args.query?.trim();
  let tsquery: string | null = null;
  if (text) {
    tsquery = `websearch_to_tsquery('english', ${p.param(text)})`;
    common.push(`document @@ ${tsquery}`);
  }
  const f = args.filter ?? {};
  if (f.partners?.length) common.push(`"partnerId" = ANY(${p.param(f.partners)}::text[])`);
  const byDimension = new Map<FacetDimension, string>();
  const selected = new Map<FacetDimension, string[]>();
  for (const d of FACET_DIMENSIONS) {
    const values = f[d.filter];
    if (!values?.length) continue;
    const wanted = [...new Set(values)].map((v) => facet(d.prefix, v));
    selected.set(d.dimension, wanted);
    byDimension.set(d.dimension, `facets && ${p.param(wanted)}::text[]`);
  }
  return { tsquery, common, byDimension, selected };
}

const where = (clauses: string[]) => (clauses.length ? `WHERE ${clauses.join(" AND ")}` : "");

/** ORDER BY of a sort; every order ends with the id so that pages are stable. */
function orderBy(sort: SearchSort, hasQuery: boolean): string {
  if (sort === "TITLE") return `lower(title) COLLATE "C" ASC, id COLLATE "C" ASC`;
  if (sort === "RELEVANCE" && hasQuery) return `score DESC, id COLLATE "C" ASC`;
  // NEWEST, and RELEVANCE without a query (nothing to rank by).
  return `"updatedAt" DESC, id COLLATE "C" ASC`;
}

export async function search(
  sql: SqlRunner,
  args: SearchArgs,
): Promise<{
  hits: SearchHit[];
  totalCount: number;
  hasNextPage: boolean;
  endCursor: string | null;
  cursors: string[];
}> {
  const offset = decodeCursor(args.after, args);
  const p = new Params();
  const preds = searchPredicates(args, p);
  const whereSql = where([...preds.common, ...preds.byDimension.values()]);
  const rank = preds.tsquery ? `ts_rank(document, ${preds.tsquery})` : "NULL::real";
  const countParams = [...p.values];
  const rows = await sql.query<SearchHit & { score: number | string | null }>(
    `SELECT id, typename, "partnerId", "organisationId", title, summary, stale, "lastSeen", "linkedIds", ${rank} AS score
     FROM "Item" ${whereSql} ORDER BY ${orderBy(args.sort, preds.tsquery !== null)} LIMIT ${p.param(args.first + 1)} OFFSET ${p.param(offset)}`,
    p.values,
  );
  const [{ count }] = (await sql.query<{ count: number | string }>(
    `SELECT count(*)::int AS count FROM "Item" ${whereSql}`,
    countParams,
  )) as [{ count: number | string }];
  const hits = rows.slice(0, args.first).map((r) => ({ ...r, score: r.score === null ? null : Number(r.score) }));
  const cursors = hits.map((_, i) => encodeCursor(offset + i + 1, args));
  return {
    hits,
    totalCount: Number(count),
    hasNextPage: rows.length > args.first,
    endCursor: cursors[cursors.length - 1] ?? null,
    cursors,
  };
}

export interface FacetValueCount {
  value: string;
  count: number;
}

/**
 * Facet counts of a search, in one statement. Disjunctive: the counts of a dimension apply the
 * query, the partner filter and every other dimension's selection, but not its own, so a user sees
 * the alternatives within a dimension. Values of a dimension are ordered by count, then value; a
 * selected value that matches nothing is still listed, with count 0, so that it can be unselected;
 * with `includeEmptyFacets`, so is every value of the dimension's domain (FACET_DOMAINS).
 */
export async function searchFacets(
  sql: SqlRunner,
  args: SearchArgs,
): Promise<{ dimension: FacetDimension; values: FacetValueCount[] }[]> {
  const p = new Params();
  const preds = searchPredicates(args, p);
  const rows = await sql.query<FacetCountRow>(facetCountsStatement(preds), p.values);
  return FACET_DIMENSIONS.map((d) => {
    const prefix = `${d.prefix}:`;
    const counts = new Map<string, number>();
    for (const r of rows) if (r.facet.startsWith(prefix)) counts.set(r.facet.slice(prefix.length), Number(r.count));
    for (const s of preds.selected.get(d.dimension) ?? [])
      if (!counts.has(s.slice(prefix.length))) counts.set(s.slice(prefix.length), 0);
    if (args.includeEmptyFacets) for (const v of FACET_DOMAINS.get(d.dimension)!) if (!counts.has(v)) counts.set(v, 0);
    const values = [...counts].map(([value, count]) => ({ value, count }));
    values.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
    return { dimension: d.dimension, values };
  });
}

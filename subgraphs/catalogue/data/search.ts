// National search over the index: PostgreSQL full-text (English stemming, title > summary > body),
// filters on every indexed dimension, a total count and cursor pagination. Two statements per page
// (the page and the count), whatever the page size.
import { createHash } from "node:crypto";
import { z } from "zod";
import type { SqlRunner } from "../../../lib/db/migrate.ts";
import { driverId, regionId, settingId, topicId, organisationId } from "../../../lib/vocabulary-zod.ts";
import { PARTNER_ID_PATTERN } from "../../../schema/ids.ts";
import { ENTITY_OF_KIND, PARTNER_KINDS } from "../../../schema/kinds.ts";
import { badInput, fromZod } from "../../../lib/errors.ts";

export const SEARCH_MAX_PAGE = 100;
export const SEARCH_MAX_QUERY = 200;

const list = <T extends z.ZodType>(item: T) => z.array(item).max(50).optional().nullable();

export const searchArgs = z.object({
  query: z.string().max(SEARCH_MAX_QUERY, `must be at most ${SEARCH_MAX_QUERY} characters`).optional().nullable(),
  first: z.number().int().min(1, "must be between 1 and 100").max(SEARCH_MAX_PAGE, "must be between 1 and 100").default(20),
  after: z.string().max(200).optional().nullable(),
  filter: z
    .object({
      kinds: list(z.enum(PARTNER_KINDS.map((k) => ENTITY_OF_KIND[k].itemKind) as ["RESOURCE", "NETWORK", "PROJECT"])),
      partners: list(z.string().regex(PARTNER_ID_PATTERN, "not a partner id")),
      organisations: list(organisationId),
      topics: list(topicId),
      settings: list(settingId),
      drivers: list(driverId),
      regions: list(regionId),
    })
    .optional()
    .nullable(),
});

export type SearchArgs = z.infer<typeof searchArgs>;

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

// The cursor is an offset into a result list that the query and filter define; it carries a hash of
// both so a cursor from another search is refused rather than silently misapplied.
function fingerprint(args: SearchArgs): string {
  return createHash("sha256").update(JSON.stringify([args.query ?? "", args.filter ?? {}])).digest("base64url").slice(0, 16);
}

function encodeCursor(offset: number, args: SearchArgs) {
  return Buffer.from(JSON.stringify({ o: offset, f: fingerprint(args) })).toString("base64url");
}

function decodeCursor(cursor: string | null | undefined, args: SearchArgs): number {
  if (!cursor) return 0;
  try {
    const parsed = z.object({ o: z.number().int().min(0), f: z.string() }).parse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
    if (parsed.f !== fingerprint(args)) throw new Error("cursor from another search");
    return parsed.o;
  } catch {
    throw badInput("after is not a cursor of this search", ["after"]);
  }
}

const TYPENAME_OF_ITEM_KIND = Object.fromEntries(PARTNER_KINDS.map((k) => [ENTITY_OF_KIND[k].itemKind, ENTITY_OF_KIND[k].typename]));

/** Validates search arguments; a violation is one BAD_USER_INPUT error naming the argument path. */
export function parseSearchArgs(raw: unknown): SearchArgs {
  const parsed = searchArgs.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const [arg, ...rest] = issue.path.map(String);
    throw fromZod({ issues: [{ ...issue, path: rest }] } as never, arg ?? "query");
  }
  return parsed.data;
}

export async function search(sql: SqlRunner, args: SearchArgs): Promise<{ hits: SearchHit[]; totalCount: number; hasNextPage: boolean; endCursor: string | null; cursors: string[] }> {
  const offset = decodeCursor(args.after, args);
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const text = args.query?.trim();
  let rank = "NULL::real";
  let order = `"updatedAt" DESC, id ASC`;
  if (text) {
    const q = `websearch_to_tsquery('english', ${param(text)})`;
    where.push(`document @@ ${q}`);
    rank = `ts_rank(document, ${q})`;
    order = `score DESC, id ASC`;
  }
  const f = args.filter ?? {};
  if (f.kinds?.length) where.push(`typename = ANY(${param(f.kinds.map((k) => TYPENAME_OF_ITEM_KIND[k]))}::text[])`);
  if (f.partners?.length) where.push(`"partnerId" = ANY(${param(f.partners)}::text[])`);
  if (f.organisations?.length) where.push(`"organisationId" = ANY(${param(f.organisations)}::text[])`);
  if (f.regions?.length) where.push(`"regionId" = ANY(${param(f.regions)}::text[])`);
  if (f.topics?.length) where.push(`topics && ${param(f.topics)}::text[]`);
  if (f.settings?.length) where.push(`settings && ${param(f.settings)}::text[]`);
  if (f.drivers?.length) where.push(`drivers && ${param(f.drivers)}::text[]`);
  const whereSql = where.length ? `WHERE ${where.join(" AND ")}` : "";
  const countParams = [...params];
  const rows = await sql.query<SearchHit & { score: number | string | null }>(
    `SELECT id, typename, "partnerId", "organisationId", title, summary, stale, "lastSeen", "linkedIds", ${rank} AS score
     FROM "Item" ${whereSql} ORDER BY ${order} LIMIT ${param(args.first + 1)} OFFSET ${param(offset)}`,
    params,
  );
  const [{ count }] = (await sql.query<{ count: number | string }>(`SELECT count(*)::int AS count FROM "Item" ${whereSql}`, countParams)) as [{ count: number | string }];
  const hits = rows.slice(0, args.first).map((r) => ({ ...r, score: r.score === null ? null : Number(r.score) }));
  const cursors = hits.map((_, i) => encodeCursor(offset + i + 1, args));
  return { hits, totalCount: Number(count), hasNextPage: rows.length > args.first, endCursor: cursors[cursors.length - 1] ?? null, cursors };
}

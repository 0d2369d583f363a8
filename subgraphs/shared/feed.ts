// The change feed every partner kind serves to the national catalogue. Each entry says that an item
// changed at `changedAt`: either it is there (an upsert, carrying the item) or it is gone (a removal:
// deleted, recorded as a tombstone, or — for resources — no longer published).
//
// Entries are in (changedAt, local id, removed) order, a removal after an upsert for equal time and
// id, after an opaque cursor that is the position of the last entry read. So a harvest resumes exactly
// after what it has read, and a partner with nothing new answers one empty page.
//
// A page is read in at most two statements whatever its size: one lists the page's positions (live
// rows and tombstones, ordered by the database) with the count of what follows, one reads the nodes.
import { z } from "zod";
import { badInput } from "../../lib/errors.ts";

export const FEED_MAX_PAGE = 500;

/** Where an entry sits in the feed. */
export interface FeedPosition {
  changedAt: Date;
  local: string;
  removed: boolean;
}

/** One change as a kind's data module reports it; `node` is null for a removal. */
export interface Change<R> extends FeedPosition {
  node: R | null;
}

export interface ChangePage<R> {
  entries: Change<R>[];
  /** The position after this page: the last entry's, or the cursor given when the page is empty. */
  endCursor: string | null;
  hasNextPage: boolean;
  /** How many changes follow this page. */
  remaining: number;
}

/**
 * Total order of the feed: changedAt, then local id (by code unit, as the "C" collation the feed's SQL
 * uses; ids are ASCII), then upsert before removal.
 */
export function comparePositions(a: FeedPosition, b: FeedPosition): number {
  const t = a.changedAt.getTime() - b.changedAt.getTime();
  if (t !== 0) return t;
  if (a.local !== b.local) return a.local < b.local ? -1 : 1;
  return Number(a.removed) - Number(b.removed);
}

/** True when `p` comes strictly after `cursor` (everything is after no cursor). */
export function isAfter(p: FeedPosition, cursor: FeedPosition | undefined): boolean {
  return !cursor || comparePositions(p, cursor) > 0;
}

export function encodeCursor(p: FeedPosition): string {
  return Buffer.from(JSON.stringify([p.changedAt.toISOString(), p.local, p.removed ? 1 : 0]), "utf8").toString("base64url");
}

const current = z.tuple([z.iso.datetime(), z.string().min(1), z.union([z.literal(0), z.literal(1)])]);
// Cursors written before the feed carried removals: "<updatedAt>|<local>", a position among upserts.
const legacy = z.tuple([z.iso.datetime(), z.string().min(1)]);

export function decodeCursor(cursor: string | null | undefined): FeedPosition | undefined {
  if (cursor === null || cursor === undefined || cursor === "") return undefined;
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = current.safeParse(json);
  if (parsed.success) return { changedAt: new Date(parsed.data[0]), local: parsed.data[1], removed: parsed.data[2] === 1 };
  const old = legacy.safeParse(text.split("|"));
  if (old.success) return { changedAt: new Date(old.data[0]), local: old.data[1], removed: false };
  throw badInput("Invalid feed cursor", ["after"]);
}

export function pageSize(first: number | null | undefined): number {
  const n = first ?? 100;
  if (!Number.isInteger(n) || n < 1 || n > FEED_MAX_PAGE) throw badInput(`first must be between 1 and ${FEED_MAX_PAGE}`, ["first"]);
  return n;
}

/**
 * The one statement that lists a page of changes: the live table's rows (each an upsert, or a removal
 * when `removedSql` holds for it) and the tombstones, after the cursor, in feed order, with how many
 * there are after the cursor in all (`total`). Parameters: $1 changedAt, $2 local, $3 removed (all
 * null for no cursor), $4 how many to return.
 *
 * Ids compare in the "C" collation, byte by byte, whatever the database's default: the order must not
 * depend on a server's locale (en_US ignores hyphens, say), and it must be the order of the cursor.
 */
export function changesSql(table: string, removedSql: string): string {
  return `WITH changes AS (
    SELECT local, "updatedAt" AS "changedAt", (${removedSql}) AS removed FROM "${table}"
    UNION ALL
    SELECT local, "deletedAt" AS "changedAt", true AS removed FROM "Tombstone"
  )
  , later AS (
    SELECT * FROM changes
    WHERE $1::timestamp IS NULL OR ("changedAt", local COLLATE "C", removed) > ($1::timestamp, $2::text COLLATE "C", $3::boolean)
  )
  SELECT local, "changedAt", removed, (SELECT count(*) FROM later)::int AS total
  FROM later
  ORDER BY "changedAt", local COLLATE "C", removed
  LIMIT $4::int`;
}

/** One row of `changesSql`. */
export interface ChangeRow {
  local: string;
  changedAt: Date | string;
  removed: boolean;
  total: number | string;
}

/** Where a kind's changes come from. */
export interface ChangeSource<R extends { local: string }> {
  /** The live table (Prisma model name) and the SQL condition that makes one of its rows a removal. */
  table: string;
  removedSql: string;
  /** Runs a raw query (Prisma's `$queryRawUnsafe`). */
  query(sql: string, params: unknown[]): Promise<ChangeRow[]>;
  /** The rows of these local ids, in one query. */
  nodes(locals: string[]): Promise<R[]>;
  /** Whether a row may be carried by the feed (resources: only published ones). */
  carried?(row: R): boolean;
}

// A timestamp column read by a raw query: a Date, or its text without a zone (UTC, as Prisma writes).
function toDate(v: Date | string): Date {
  if (v instanceof Date) return v;
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v.replace(" ", "T")}Z`);
}

/**
 * Reads one page of a kind's change feed in at most two statements, whatever its size: the page of
 * positions (with the count of what follows) and the nodes of its upserts. An upsert whose row is gone
 * or no longer carried by the time its node is read is reported as a removal: that is its state now.
 */
export async function readChanges<R extends { local: string }>(source: ChangeSource<R>, after: string | null | undefined, first: number | null | undefined): Promise<ChangePage<R>> {
  const size = pageSize(first);
  const p = decodeCursor(after);
  const rows = await source.query(changesSql(source.table, source.removedSql), [p?.changedAt.toISOString() ?? null, p?.local ?? null, p?.removed ?? null, size + 1]);
  const page = rows.slice(0, size);
  const wanted = page.filter((r) => !r.removed).map((r) => r.local);
  const nodes = new Map((wanted.length ? await source.nodes(wanted) : []).map((n) => [n.local, n]));
  const entries = page.map((r): Change<R> => {
    const node = r.removed ? undefined : nodes.get(r.local);
    const carried = node !== undefined && (source.carried?.(node) ?? true);
    return { changedAt: toDate(r.changedAt), local: r.local, removed: !carried, node: carried ? node : null };
  });
  const last = page[page.length - 1];
  return {
    entries,
    hasNextPage: rows.length > size,
    remaining: rows.length > 0 ? Number(rows[0]!.total) - page.length : 0,
    // The position is the one the statement ordered by (an upsert reported as a removal keeps it).
    endCursor: last ? encodeCursor({ changedAt: toDate(last.changedAt), local: last.local, removed: last.removed }) : after || null,
  };
}

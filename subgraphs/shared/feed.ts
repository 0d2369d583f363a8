// The change feed every partner kind serves to the national catalogue. Each entry says that an item
// changed: either it is there (an upsert, carrying the item and its version) or it is gone (a
// removal: deleted, recorded as a tombstone, or no longer published).
//
// Order: by the transaction that made the change (`changeXid`, set by a trigger on every write), then
// local id, then upsert before removal. Not by time: a time is stamped when a row is written but
// becomes visible when its transaction commits, so a reader ordered by time can pass a later stamp
// while an earlier-stamped transaction is still in flight, and never see it.
//
// Horizon: a page lists only changes of transactions older than every transaction still running when
// the page's statement took its snapshot (HORIZON_SQL: of this database's transactions, computed in that
// same statement). Every such transaction has ended, so all its changes are visible to the statement;
// any transaction that commits later has an id at or above the horizon, hence after the cursor. So a
// harvest that resumes after its cursor misses no committed change, on PGlite (one transaction at a
// time) as on a PostgreSQL server. The price: a transaction left open in the partner's own database holds
// the feed back (nothing after it is listed) until it ends. So that a change just committed is not
// left for the next harvest whenever some other transaction happens to be running, a page that reaches
// the end of what may be listed while committed changes wait above the horizon is read again after a
// short pause, a few times (HOLD_RETRIES x HOLD_WAIT_MS): writes are short, and this costs nothing
// when nothing is held back.
//
// A page is read in at most two statements whatever its size: one lists the page's positions (live
// rows and tombstones, ordered by the database) with the count of what follows, one reads the nodes.
import { z } from "zod";
import { badInput } from "../../lib/errors.ts";
import { canonicalJson } from "./writes.ts";
import { createHash } from "node:crypto";

export const FEED_MAX_PAGE = 500;

/**
 * How often, and how long apart, the last page is read again while committed changes wait behind a
 * transaction still running: at most 4 x 25 ms, 100 ms added to a harvest's last page, and only then.
 */
export const HOLD_RETRIES = 4;
export const HOLD_WAIT_MS = 25;

/** Where an entry sits in the feed: its transaction (a 64-bit id, as decimal text), id, removal. */
export interface FeedPosition {
  xid: string;
  local: string;
  removed: boolean;
}

/** One change as a kind's data module reports it; `node` is null for a removal. */
export interface Change<R> extends FeedPosition {
  /** When the item changed (its updatedAt, or when it was deleted): for people, not for ordering. */
  changedAt: Date;
  node: R | null;
  /** The node's version (itemVersion), null for a removal. */
  version: string | null;
}

export interface ChangePage<R> {
  entries: Change<R>[];
  /** The position after this page: the last entry's, or the cursor given when the page is empty. */
  endCursor: string | null;
  hasNextPage: boolean;
  /** How many changes follow this page (below the horizon). */
  remaining: number;
}

/** Total order of the feed: transaction, then local id (by code unit, as the "C" collation), then upsert before removal. */
export function comparePositions(a: FeedPosition, b: FeedPosition): number {
  const x = BigInt(a.xid) - BigInt(b.xid);
  if (x !== 0n) return x < 0n ? -1 : 1;
  if (a.local !== b.local) return a.local < b.local ? -1 : 1;
  return Number(a.removed) - Number(b.removed);
}

/** True when `p` comes strictly after `cursor` (everything is after no cursor). */
export function isAfter(p: FeedPosition, cursor: FeedPosition | undefined): boolean {
  return !cursor || comparePositions(p, cursor) > 0;
}

// The cursor names its format ("x": transaction order) so that cursors of earlier, time-ordered feeds
// are refused rather than misread.
const FORMAT = "x";

export function encodeCursor(p: FeedPosition): string {
  return Buffer.from(JSON.stringify([FORMAT, p.xid, p.local, p.removed ? 1 : 0]), "utf8").toString("base64url");
}

const current = z.tuple([
  z.literal(FORMAT),
  z.string().regex(/^(0|[1-9]\d{0,18})$/),
  z.string().min(1),
  z.union([z.literal(0), z.literal(1)]),
]);

/**
 * Reads a cursor. A cursor of the time-ordered feed (before transaction order) is refused like any bad
 * cursor: read by time it could skip changes, and a harvester told BAD_USER_INPUT on `after` harvests
 * again from the start.
 */
export function decodeCursor(cursor: string | null | undefined): FeedPosition | undefined {
  if (cursor === null || cursor === undefined || cursor === "") return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    json = undefined;
  }
  const parsed = current.safeParse(json);
  if (parsed.success && BigInt(parsed.data[1]) <= 9223372036854775807n)
    return { xid: parsed.data[1], local: parsed.data[2], removed: parsed.data[3] === 1 };
  throw badInput("Invalid feed cursor (or one of an older feed): harvest from the start", ["after"]);
}

export function pageSize(first: number | null | undefined): number {
  const n = first ?? 100;
  if (!Number.isInteger(n) || n < 1 || n > FEED_MAX_PAGE)
    throw badInput(`first must be between 1 and ${FEED_MAX_PAGE}`, ["first"]);
  return n;
}

/**
 * An item's version: a digest of its row as stored (all columns but the feed's own bookkeeping). The
 * feed and the version listing (versions.ts) report the same digest for the same row, which is how
 * the catalogue's reconciliation tells a stale index row from a current one, whoever changed the row.
 */
export function itemVersion(row: object): string {
  const { changeXid: _, ...rest } = row as Record<string, unknown>;
  return createHash("sha256").update(canonicalJson(rest)).digest("base64url").slice(0, 22);
}

/**
 * The horizon of a page: the oldest transaction of THIS database still in flight when the statement
 * took its snapshot (or the snapshot's xmax when there is none). Transaction ids are cluster-wide, so
 * the snapshot's in-flight list (`pg_snapshot_xip`) holds every database's; an id is left out only
 * when pg_stat_activity, read after the snapshot, shows it as the transaction of a session in another
 * database: ids are never reused, so such a transaction can never write here. One that has ended by
 * then, or that pg_stat_activity does not show (a role without pg_read_all_stats sees no other user's
 * backend_xid; prepared transactions), stays in: the horizon is only ever lower than needed, never
 * higher, and a transaction left open in another partner's database no longer holds this feed back.
 * backend_xid is a 32-bit xid; the in-flight ids are within 2^31 of it, so their low 32 bits match.
 */
export const HORIZON_SQL = `
    SELECT COALESCE(
      (SELECT min(x::text::bigint) FROM pg_snapshot_xip(pg_current_snapshot()) AS x
        WHERE NOT EXISTS (
          SELECT 1 FROM pg_stat_activity a
          WHERE a.backend_xid IS NOT NULL AND a.datname IS DISTINCT FROM current_database()
            AND a.backend_xid::text::bigint = (x::text::bigint & 4294967295)
        )),
      pg_snapshot_xmax(pg_current_snapshot())::text::bigint
    ) AS xmin`;

/**
 * The one statement that lists a page of changes: the live table's rows (each an upsert, or a removal
 * when `removedSql` holds for it) and the tombstones, after the cursor and below the horizon, in feed
 * order, with how many there are in all (`total`) and how many committed changes after the cursor
 * wait at or above the horizon (`held`). Always one row at least: an empty page is one row whose
 * `local` is null. Parameters: $1 xid, $2 local, $3 removed (all null for no cursor), $4 how many to
 * return, $5 whether removals are listed at all.
 *
 * The horizon is computed in this statement so that it belongs to the snapshot the rows are read with.
 * `changes` is inlined where it is used (NOT MATERIALIZED), so each use reads only what its filter
 * selects through the (changeXid, local) indexes. Ids compare in the "C" collation, byte by byte,
 * whatever the database's default: the order must not depend on a server's locale, and it must be
 * the order of the cursor.
 */
export function changesSql(table: string, removedSql: string): string {
  return `WITH horizon AS (${HORIZON_SQL})
  , changes AS NOT MATERIALIZED (
    SELECT local, "changeXid" AS xid, "updatedAt" AS "changedAt", (${removedSql}) AS removed FROM "${table}"
    UNION ALL
    SELECT local, "changeXid" AS xid, "deletedAt" AS "changedAt", true AS removed FROM "Tombstone"
  )
  , after AS NOT MATERIALIZED (
    SELECT * FROM changes
    WHERE ($1::bigint IS NULL OR (xid, local COLLATE "C", removed) > ($1::bigint, $2::text COLLATE "C", $3::boolean))
      AND ($5::boolean OR NOT removed)
  )
  , later AS (
    SELECT after.* FROM after, horizon WHERE after.xid < horizon.xmin
  )
  SELECT page.local, page.xid::text AS xid, page."changedAt", page.removed,
    (SELECT count(*) FROM later)::int AS total,
    (SELECT count(*) FROM after, horizon WHERE after.xid >= horizon.xmin)::int AS held
  FROM horizon LEFT JOIN LATERAL (
    SELECT * FROM later ORDER BY later.xid, local COLLATE "C", removed LIMIT $4::int
  ) page ON true
  ORDER BY page.xid, page.local COLLATE "C", page.removed`;
}

/** One row of `changesSql` (`local` null: the page is empty). */
export interface ChangeRow {
  local: string | null;
  xid: string | null;
  changedAt: Date | string | null;
  removed: boolean | null;
  total: number | string;
  held?: number | string;
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

/** Who reads the feed. */
export interface FeedReader {
  /**
   * Whether removals are listed. A removal names an item that is not published (a draft, or deleted,
   * maybe never published): only the national catalogue needs them, so an anonymous reader (a
   * partner's read-only development mode) gets published items only and learns no draft's id.
   */
  removals: boolean;
}

// A timestamp column read by a raw query: a Date, or its text without a zone (UTC, as Prisma writes).
function toDate(v: Date | string): Date {
  if (v instanceof Date) return v;
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v.replace(" ", "T")}Z`);
}

/** A statement's rows that are changes (not the one row of an empty page). */
type Listed = ChangeRow & { local: string; xid: string; changedAt: Date | string; removed: boolean };
const listedOf = (rows: ChangeRow[]): Listed[] => rows.filter((r): r is Listed => r.local !== null);

/**
 * Reads one page of a kind's change feed in at most two statements, whatever its size: the page of
 * positions (with the count of what follows) and the nodes of its upserts. An upsert whose row is gone
 * or no longer carried by the time its node is read is reported as a removal: that is its state now
 * (and to a reader without removals, it is left out).
 */
export async function readChanges<R extends { local: string }>(
  source: ChangeSource<R>,
  after: string | null | undefined,
  first: number | null | undefined,
  reader: FeedReader = { removals: true },
): Promise<ChangePage<R>> {
  const size = pageSize(first);
  const p = decodeCursor(after);
  const params = [p?.xid ?? null, p?.local ?? null, p?.removed ?? null, size + 1, reader.removals];
  let result = await source.query(changesSql(source.table, source.removedSql), params);
  // The end of what may be listed, with committed changes waiting on a transaction still running: it
  // is probably about to end.
  for (let i = 0; i < HOLD_RETRIES && Number(result[0]?.held ?? 0) > 0 && listedOf(result).length <= size; i++) {
    await new Promise((r) => setTimeout(r, HOLD_WAIT_MS));
    result = await source.query(changesSql(source.table, source.removedSql), params);
  }
  const rows = listedOf(result);
  const page = rows.slice(0, size);
  const wanted = page.filter((r) => !r.removed).map((r) => r.local);
  const nodes = new Map((wanted.length ? await source.nodes(wanted) : []).map((n) => [n.local, n]));
  const entries = page.flatMap((r): Change<R>[] => {
    const node = r.removed ? undefined : nodes.get(r.local);
    const carried = node !== undefined && (source.carried?.(node) ?? true);
    if (!carried && !reader.removals) return [];
    return [
      {
        xid: String(r.xid),
        changedAt: toDate(r.changedAt),
        local: r.local,
        removed: !carried,
        node: carried ? node : null,
        version: carried ? itemVersion(node) : null,
      },
    ];
  });
  const last = page[page.length - 1];
  return {
    entries,
    hasNextPage: rows.length > size,
    remaining: rows.length > 0 ? Number(rows[0]!.total) - page.length : 0,
    // The position is the one the statement ordered by (an upsert reported as a removal keeps it).
    endCursor: last ? encodeCursor({ xid: String(last.xid), local: last.local, removed: last.removed }) : after || null,
  };
}

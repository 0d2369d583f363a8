// The change-feed page every partner kind serves to the national catalogue: items in
// (updatedAt, local id) order after an opaque cursor. The cursor is the last item's position, so a
// harvest resumes exactly after what it has already read.
import { z } from "zod";
import { badInput } from "../../lib/errors.ts";

export const FEED_MAX_PAGE = 500;

export interface FeedPosition {
  updatedAt: Date;
  local: string;
}

export function encodeCursor(p: FeedPosition): string {
  return Buffer.from(`${p.updatedAt.toISOString()}|${p.local}`, "utf8").toString("base64url");
}

const decoded = z.tuple([z.iso.datetime(), z.string().min(1)]);

export function decodeCursor(cursor: string | null | undefined): FeedPosition | undefined {
  if (cursor === null || cursor === undefined || cursor === "") return undefined;
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const parsed = decoded.safeParse(text.split("|"));
  if (!parsed.success) throw badInput("Invalid feed cursor", ["after"]);
  return { updatedAt: new Date(parsed.data[0]), local: parsed.data[1] };
}

export function pageSize(first: number | null | undefined): number {
  const n = first ?? 100;
  if (!Number.isInteger(n) || n < 1 || n > FEED_MAX_PAGE) throw badInput(`first must be between 1 and ${FEED_MAX_PAGE}`, ["first"]);
  return n;
}

/** The Prisma `where` for "after this position" in (updatedAt, local) order. */
export function afterPosition(p: FeedPosition | undefined) {
  if (!p) return {};
  return { OR: [{ updatedAt: { gt: p.updatedAt } }, { updatedAt: p.updatedAt, local: { gt: p.local } }] };
}

export const FEED_ORDER = [{ updatedAt: "asc" as const }, { local: "asc" as const }];

/** Builds the page from `rows` fetched with `take: size + 1`. */
export function feedPage<R extends FeedPosition>(rows: R[], size: number) {
  const nodes = rows.slice(0, size);
  const last = nodes[nodes.length - 1];
  return { nodes, hasNextPage: rows.length > size, endCursor: last ? encodeCursor(last) : null };
}

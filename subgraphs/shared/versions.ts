// The version listing every partner kind serves to the national catalogue (<Type>VersionPage in
// schema/<kind>.graphql): the local id and version (feed.ts itemVersion) of every item the feed
// carries (published ones), in id order, paged by id. The catalogue's reconciliation compares it with
// its index to repair whatever reached the partner's database without passing through the feed (a
// restore, a hand-made UPDATE, a lost tombstone). One statement per page.
import { z } from "zod";
import { badInput } from "../../lib/errors.ts";
import { itemVersion, pageSize } from "./feed.ts";

export interface ItemVersionEntry {
  local: string;
  version: string;
}

export interface VersionPage {
  entries: ItemVersionEntry[];
  /** The last id of this page, to pass as `after` next time (the given cursor when the page is empty). */
  endCursor: string | null;
  hasNextPage: boolean;
}

const local = z.string().min(1);

export const encodeVersionCursor = (l: string) => Buffer.from(l, "utf8").toString("base64url");

function decodeVersionCursor(cursor: string | null | undefined): string | undefined {
  if (cursor === null || cursor === undefined || cursor === "") return undefined;
  const parsed = local.safeParse(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!parsed.success || encodeVersionCursor(parsed.data) !== cursor)
    throw badInput("Invalid version cursor", ["after"]);
  return parsed.data;
}

/**
 * Reads one page of versions. `rows(after, take)` returns up to `take` carried rows with local ids
 * greater than `after` (none: from the start), in id order, in one query.
 */
export async function readVersions<R extends { local: string }>(
  rows: (after: string | undefined, take: number) => Promise<R[]>,
  after: string | null | undefined,
  first: number | null | undefined,
): Promise<VersionPage> {
  const size = pageSize(first);
  const from = decodeVersionCursor(after);
  const found = await rows(from, size + 1);
  const page = found.slice(0, size);
  const last = page[page.length - 1];
  return {
    entries: page.map((r) => ({ local: r.local, version: itemVersion(r) })),
    hasNextPage: found.length > size,
    endCursor: last ? encodeVersionCursor(last.local) : after || null,
  };
}

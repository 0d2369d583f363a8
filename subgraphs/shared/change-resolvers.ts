// The resolvers of a kind's change-feed entry (<Type>Change in schema/<kind>.graphql) and version
// entry (<Type>Version): the global id (also for a removal, which has no node) and the time as an ISO
// string; and who may see removals.
import { formatId } from "../../schema/ids.ts";
import type { PartnerKind } from "../../schema/kinds.ts";
import type { Partner } from "../../lib/registry/registry.ts";
import type { Caller } from "./caller.ts";
import type { Change, FeedReader } from "./feed.ts";
import type { ItemVersionEntry } from "./versions.ts";

export function changeEntry(kind: PartnerKind) {
  return {
    id: (c: Change<unknown>, _: unknown, ctx: { partner: Partner }) => formatId(ctx.partner.id, kind, c.local),
    changedAt: (c: Change<unknown>) => c.changedAt.toISOString(),
  };
}

export function versionEntry(kind: PartnerKind) {
  return {
    id: (v: ItemVersionEntry, _: unknown, ctx: { partner: Partner }) => formatId(ctx.partner.id, kind, v.local),
  };
}

/**
 * Removals are listed only to signed callers (the national catalogue): a removal can name a draft, and
 * an unsigned caller (a partner's read-only development mode) must learn nothing of drafts.
 */
export const feedReaderOf = (caller: Caller): FeedReader => ({ removals: caller.signed });

// The resolvers of a kind's change-feed entry (<Type>Change in schema/<kind>.graphql): the global id
// (also for a removal, which has no node) and the time as an ISO string.
import { formatId } from "../../schema/ids.ts";
import type { PartnerKind } from "../../schema/kinds.ts";
import type { Partner } from "../../schema/registry.ts";
import type { Change } from "./feed.ts";

export function changeEntry(kind: PartnerKind) {
  return {
    id: (c: Change<unknown>, _: unknown, ctx: { partner: Partner }) => formatId(ctx.partner.id, kind, c.local),
    changedAt: (c: Change<unknown>) => c.changedAt.toISOString(),
  };
}

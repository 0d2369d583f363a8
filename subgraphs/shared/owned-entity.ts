// The resolvers every partner kind's entity shares: turning a reference into this partner's row,
// the global id, and the organisation that runs the partner.
import type DataLoader from "dataloader";
import { formatId, parseId } from "../../schema/ids.ts";
import type { PartnerKind } from "../../schema/kinds.ts";
import type { Partner } from "../../schema/registry.ts";

export function ownedEntity<Ctx extends { partner: Partner }, Row extends { local: string }>(
  kind: PartnerKind,
  loader: (ctx: Ctx) => DataLoader<string, Row | null>,
) {
  return {
    __resolveReference: (ref: { id: string }, ctx: Ctx) => {
      const id = parseId(ref.id);
      // An id naming another partner is not ours to answer: null, as the subgraph spec asks.
      if (!id || id.kind !== kind || id.partner !== ctx.partner.id) return null;
      return loader(ctx).load(id.local);
    },
    id: (row: Row, _: unknown, ctx: Ctx) => formatId(ctx.partner.id, kind, row.local),
    organisation: (_: Row, __: unknown, ctx: Ctx) => ({ id: ctx.partner.organisation }),
  };
}

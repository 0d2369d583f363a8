// The resolvers every partner kind's entity shares: turning a reference into this partner's row,
// the global id, the organisation that runs the partner, its vocabulary references, when it last
// changed, and the item's audit trail. Drafts are answered only to members of the owning
// organisation (from the gateway's signed forward).
import type DataLoader from "dataloader";
import { GraphQLError } from "graphql";
import { formatId, parseId } from "../../schema/ids.ts";
import type { PartnerKind } from "../../schema/kinds.ts";
import type { Partner } from "../../lib/registry/registry.ts";
import { isMemberOf } from "../../lib/auth/identity.ts";
import { ErrorCode } from "../../lib/errors.ts";
import type { Caller } from "./caller.ts";
import { auditLoader, type AuditRow } from "./audit.ts";
import { isoTime, vocabularyRefs } from "./values.ts";

export interface OwnedContext {
  partner: Partner;
  caller: Caller;
  audit: ReturnType<typeof auditLoader>;
}

/** True when the caller acts for the organisation that runs this partner (drafts, audit). */
export const isOwner = (ctx: OwnedContext) =>
  ctx.caller.signed && isMemberOf(ctx.caller.identity, ctx.partner.organisation);

/**
 * The row for a global id, if it is this partner's and the caller may see it: entity references and
 * the kind's `<entity>FromOwner(id)` root field (schema/write-routes.ts) both answer through it.
 */
export function ownedLookup<Ctx extends OwnedContext, Row extends { local: string }>(
  kind: PartnerKind,
  loader: (ctx: Ctx) => DataLoader<string, Row | null>,
  /** Whether anyone may see the row (a published item); when false, only the owner sees it. */
  isPublic: (row: Row) => boolean = () => true,
) {
  return async (globalId: string, ctx: Ctx): Promise<Row | null> => {
    const id = parseId(globalId);
    // An id naming another partner is not ours to answer: null, as the subgraph spec asks.
    if (!id || id.kind !== kind || id.partner !== ctx.partner.id) return null;
    const row = await loader(ctx).load(id.local);
    return row && (isPublic(row) || isOwner(ctx)) ? row : null;
  };
}

/** What every kind's item row has that the shared entity resolvers read. */
export interface ItemRow {
  local: string;
  topics: readonly string[];
  drivers: readonly string[];
  settings: readonly string[];
  updatedAt: Date;
}

export function ownedEntity<Ctx extends OwnedContext, Row extends ItemRow>(
  kind: PartnerKind,
  loader: (ctx: Ctx) => DataLoader<string, Row | null>,
  isPublic: (row: Row) => boolean = () => true,
) {
  const fromOwner = ownedLookup(kind, loader, isPublic);
  return {
    ...vocabularyRefs<Row>(),
    __resolveReference: (ref: { id: string }, ctx: Ctx) => fromOwner(ref.id, ctx),
    id: (row: Row, _: unknown, ctx: Ctx) => formatId(ctx.partner.id, kind, row.local),
    organisation: (_: Row, __: unknown, ctx: Ctx) => ({ id: ctx.partner.organisation }),
    updatedAt: (row: Row) => isoTime(row.updatedAt),
    auditTrail: async (row: Row, args: { first?: number | null }, ctx: Ctx): Promise<AuditRow[]> => {
      if (!isOwner(ctx)) {
        throw new GraphQLError(`Only members of ${ctx.partner.organisation} may read this item's audit trail`, {
          extensions: { code: ErrorCode.FORBIDDEN },
        });
      }
      const first = Math.min(Math.max(args.first ?? 20, 1), 100);
      return (await ctx.audit.load(formatId(ctx.partner.id, kind, row.local))).slice(0, first);
    },
  };
}

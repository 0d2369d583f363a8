// The part of every partner kind's resolver map that is the same but for names: the root reads the
// gateway and the catalogue make (<word>FromOwner, <word>Feed, <word>Versions), the change-feed and
// version entries, and the entity's shared fields (owned-entity.ts). Its keys are the contract's
// names (schema/kinds.ts ENTITY_OF_KIND), so the kind's generated Resolvers type checks them.
import type DataLoader from "dataloader";
import { ENTITY_OF_KIND, type PartnerKind } from "../../schema/kinds.ts";
import { changeEntry, feedReaderOf, versionEntry } from "./change-resolvers.ts";
import type { ChangePage } from "./feed.ts";
import type { ItemTable } from "./item-table.ts";
import { ownedEntity, ownedLookup, type ItemRow, type OwnedContext } from "./owned-entity.ts";
import type { VersionPage } from "./versions.ts";

type Word<K extends PartnerKind> = (typeof ENTITY_OF_KIND)[K]["idWord"];
type Typename<K extends PartnerKind> = (typeof ENTITY_OF_KIND)[K]["typename"];
type Page = { after?: string | null; first?: number | null };

type ItemResolvers<K extends PartnerKind, Ctx extends OwnedContext, Row extends ItemRow> = {
  Query: { [F in `${Word<K>}FromOwner`]: (_: unknown, args: { id: string }, ctx: Ctx) => Promise<Row | null> } & {
    [F in `${Word<K>}Feed`]: (_: unknown, args: Page, ctx: Ctx) => Promise<ChangePage<Row>>;
  } & { [F in `${Word<K>}Versions`]: (_: unknown, args: Page, ctx: Ctx) => Promise<VersionPage> };
} & { [T in `${Typename<K>}Change`]: ReturnType<typeof changeEntry> } & {
  [T in `${Typename<K>}Version`]: ReturnType<typeof versionEntry>;
} & {
  [T in Typename<K>]: ReturnType<typeof ownedEntity<Ctx, Row>>;
};

export function itemResolvers<
  K extends PartnerKind,
  P,
  Ctx extends OwnedContext & { prisma: P },
  Row extends ItemRow,
  M extends object,
>(
  kind: K,
  table: ItemTable<P, Row>,
  /** The request's loader of this kind's rows by local id. */
  loader: (ctx: Ctx) => DataLoader<string, Row | null>,
  /** The kind's Mutation resolvers (mutations.ts). */
  mutations: M,
): ItemResolvers<K, Ctx, Row> & { Mutation: M } {
  const { idWord: word, typename } = ENTITY_OF_KIND[kind];
  // Who may see a row: anyone when it is published, otherwise only its owner.
  const fromOwner = ownedLookup(kind, loader, table.isPublished);
  // Keys built from the kind's names are plain strings to the compiler: the declared type restores them.
  return {
    Query: {
      [`${word}FromOwner`]: (_: unknown, args: { id: string }, ctx: Ctx) => fromOwner(args.id, ctx),
      [`${word}Feed`]: (_: unknown, args: Page, ctx: Ctx) =>
        table.feed(ctx.prisma, args.after, args.first, feedReaderOf(ctx.caller)),
      [`${word}Versions`]: (_: unknown, args: Page, ctx: Ctx) => table.versions(ctx.prisma, args.after, args.first),
    },
    [`${typename}Change`]: changeEntry(kind),
    [`${typename}Version`]: versionEntry(kind),
    [typename]: ownedEntity(kind, loader, table.isPublished),
    Mutation: mutations,
  } as ItemResolvers<K, Ctx, Row> & { Mutation: M };
}

/**
 * A kind's whole resolver map: the shared part (itemResolvers) with the kind's own resolvers, the
 * entity's own fields added to its shared ones. `R` is the kind's generated Resolvers type (from the
 * declared type of the result): it types the kind's resolvers, and `I extends Partial<R>` checks the
 * shared part against the contract too.
 */
export function resolverMap<
  K extends PartnerKind,
  R extends Partial<Record<Typename<K>, object>>,
  I extends Partial<R> & Record<Typename<K>, object>,
>(kind: K, item: I, own: NoInfer<R>): R {
  // Indexed by a generic K, the table gives every kind's typename: this one is the kind's own.
  const typename = ENTITY_OF_KIND[kind].typename as Typename<K>;
  return { ...item, ...own, [typename]: { ...item[typename], ...own[typename] } };
}

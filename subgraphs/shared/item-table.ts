// A kind's item table as the change feed (feed.ts), the version listing (versions.ts) and the
// request's loader by local id see it. The reads are the same for every kind but for the table, its
// Prisma model and which rows are published; a kind declares only those and takes the rest from here.
import type DataLoader from "dataloader";
import { ENTITY_OF_KIND, type PartnerKind } from "../../schema/kinds.ts";
import { readChanges, type ChangePage, type ChangeRow, type FeedReader } from "./feed.ts";
import { rowLoader } from "./loaders.ts";
import { readVersions, type VersionPage } from "./versions.ts";

/** A kind's Prisma client, as far as the feed's raw statement needs it. */
export interface RawQuery {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}

/** The reads of an item model that the feed, the versions and the loader make (`W`: the published filter). */
interface LocalModel<R, W> {
  findMany(args: {
    where: W & { local?: { in: string[] } | { gt: string } };
    orderBy?: { local: "asc" };
    take?: number;
  }): Promise<R[]>;
}

/** The value of a kind's publication column (the contracts' PublicationStatus) that publishes an item. */
export const PUBLISHED = "PUBLISHED";

export interface ItemTable<P, R> {
  /** Whether the feed carries the row and anyone may see it (otherwise only its owner). */
  isPublished(row: R): boolean;
  /** Published rows as upserts; drafts and deleted rows as removals (no node). */
  feed(
    prisma: P,
    after: string | null | undefined,
    first: number | null | undefined,
    reader?: FeedReader,
  ): Promise<ChangePage<R>>;
  /** The version of every row the feed carries, in id order (the catalogue's reconciliation reads it). */
  versions(prisma: P, after: string | null | undefined, first: number | null | undefined): Promise<VersionPage>;
  /** The request's loader of rows by local id (drafts too: who may see them is the resolvers' call). */
  loader(prisma: P): DataLoader<string, R | null>;
}

export function itemTable<
  P extends RawQuery,
  R extends { local: string } & Record<C, unknown>,
  C extends string = never,
>(
  kind: PartnerKind,
  model: (prisma: P) => LocalModel<R, Partial<Record<NoInfer<C>, string>>>,
  /** The column that is PUBLISHED when the row is; without it, every row is (networks have no drafts). */
  published?: C,
): ItemTable<P, R> {
  // The live table is the kind's Prisma model, named as its entity in the contract.
  const table = ENTITY_OF_KIND[kind].typename;
  // A computed key is a plain string to the compiler: the filter is exactly Record<C, string>.
  const filter = (published ? { [published]: PUBLISHED } : {}) as Partial<Record<C, string>>;
  // No filter: the loader and the feed's nodes read drafts too (the feed reports those as removals).
  const everyRow: Partial<Record<C, string>> = {};
  const removedSql = published ? `"${published}" <> '${PUBLISHED}'` : "false";
  const isPublished = (row: R) => !published || row[published] === PUBLISHED;
  return {
    isPublished,
    feed: (prisma, after, first, reader) =>
      readChanges<R>(
        {
          table,
          removedSql,
          query: (sql, params) => prisma.$queryRawUnsafe<ChangeRow[]>(sql, ...params),
          nodes: (locals) => model(prisma).findMany({ where: { ...everyRow, local: { in: locals } } }),
          carried: isPublished,
        },
        after,
        first,
        reader,
      ),
    versions: (prisma, after, first) =>
      readVersions(
        (from, take) =>
          model(prisma).findMany({
            where: { ...filter, ...(from === undefined ? {} : { local: { gt: from } }) },
            orderBy: { local: "asc" },
            take,
          }),
        after,
        first,
      ),
    loader: (prisma) =>
      rowLoader(
        (locals: readonly string[]) => model(prisma).findMany({ where: { ...everyRow, local: { in: [...locals] } } }),
        (r) => r.local,
      ),
  };
}

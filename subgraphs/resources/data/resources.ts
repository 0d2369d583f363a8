// Data access for the Resource model: per-request loaders, writes and deletes (which keep the
// tombstones the change feed reads), and the harvest change feed.
import type { PrismaClient, Resource, Prisma } from "../generated/prisma/client.ts";
import { removeWithTombstone } from "../../shared/item-writes.ts";
import { rowLoader } from "../../shared/loaders.ts";
import { readChanges, type Change, type ChangePage, type FeedReader } from "../../shared/feed.ts";
import { readVersions, type VersionPage } from "../../shared/versions.ts";

export type ResourceRow = Resource;
/** One entry of the change feed, as the ResourceChange resolvers receive it. */
export type ResourceChange = Change<Resource>;

export const PUBLISHED = "PUBLISHED";

/** Anyone may see a published resource; drafts only its organisation (shared/owned-entity.ts). */
export const isPublished = (r: Resource) => r.status === PUBLISHED;

export function resourceLoaders(prisma: PrismaClient) {
  return {
    byLocal: rowLoader(
      (locals: readonly string[]) => prisma.resource.findMany({ where: { local: { in: [...locals] } } }),
      (r) => r.local,
    ),
  };
}

/** Creates resources in one transaction; a local id that had been deleted before loses its tombstone. */
export async function createResources(
  prisma: PrismaClient,
  resources: Prisma.ResourceCreateManyInput[],
): Promise<void> {
  if (resources.length === 0) return;
  await prisma.$transaction(async (tx) => {
    await tx.resource.createMany({ data: resources });
    await tx.tombstone.deleteMany({ where: { local: { in: resources.map((r) => r.local) } } });
  });
}

/** The deleteResource mutation's work, inside its transaction: the resource goes, its tombstone stays (shared/item-writes.ts). */
export const removeResource = (tx: Prisma.TransactionClient, local: string): Promise<boolean> =>
  removeWithTombstone(tx.resource, tx.tombstone, local);

/** Published resources as upserts; drafts, unpublished and deleted resources as removals (no node). */
export function resourceFeed(
  prisma: PrismaClient,
  after: string | null | undefined,
  first: number | null | undefined,
  reader?: FeedReader,
): Promise<ChangePage<Resource>> {
  return readChanges<Resource>(
    {
      table: "Resource",
      removedSql: `status <> '${PUBLISHED}'`,
      query: (sql, params) => prisma.$queryRawUnsafe(sql, ...params),
      nodes: (locals) => prisma.resource.findMany({ where: { local: { in: locals } } }),
      carried: (r) => r.status === PUBLISHED,
    },
    after,
    first,
    reader,
  );
}

/** The version of every resource the feed carries, in id order (the catalogue's reconciliation reads it). */
export function resourceVersions(
  prisma: PrismaClient,
  after: string | null | undefined,
  first: number | null | undefined,
): Promise<VersionPage> {
  return readVersions(
    (from, take) =>
      prisma.resource.findMany({
        where: { status: PUBLISHED, ...(from === undefined ? {} : { local: { gt: from } }) },
        orderBy: { local: "asc" },
        take,
      }),
    after,
    first,
  );
}

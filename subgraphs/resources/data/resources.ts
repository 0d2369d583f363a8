// Data access for the Resource model: per-request loaders, writes and deletes (which keep the
// tombstones the change feed reads), and the harvest change feed.
import type { PrismaClient, Resource, Prisma } from "../generated/prisma/client.ts";
import { removeWithTombstone } from "../../shared/item-writes.ts";
import { itemTable } from "../../shared/item-table.ts";
import type { Change } from "../../shared/feed.ts";

export type ResourceRow = Resource;
/** One entry of the change feed, as the ResourceChange resolvers receive it. */
export type ResourceChange = Change<Resource>;

/**
 * The feed carries published resources; drafts, unpublished and deleted ones are removals. Anyone may
 * see a published resource, drafts only its organisation (shared/owned-entity.ts).
 */
export const resources = itemTable("resources", (prisma: PrismaClient) => prisma.resource, "status");

export function resourceLoaders(prisma: PrismaClient) {
  return { byLocal: resources.loader(prisma) };
}

/** Creates resources in one transaction; a local id that had been deleted before loses its tombstone. */
export async function createResources(prisma: PrismaClient, rows: Prisma.ResourceCreateManyInput[]): Promise<void> {
  if (rows.length === 0) return;
  await prisma.$transaction(async (tx) => {
    await tx.resource.createMany({ data: rows });
    await tx.tombstone.deleteMany({ where: { local: { in: rows.map((r) => r.local) } } });
  });
}

/** The deleteResource mutation's work, inside its transaction: the resource goes, its tombstone stays (shared/item-writes.ts). */
export const removeResource = (tx: Prisma.TransactionClient, local: string): Promise<boolean> =>
  removeWithTombstone(tx.resource, tx.tombstone, local);

// Data access for networks and their members, events and links: per-request loaders (one query per
// batch), deletes (which keep the tombstones the change feed reads) and the harvest change feed.
import type { Prisma, PrismaClient, Network } from "../generated/prisma/client.ts";
import { removeWithTombstone } from "../../shared/item-writes.ts";
import { itemTable } from "../../shared/item-table.ts";
import { childLoader } from "../../shared/loaders.ts";
import type { Change } from "../../shared/feed.ts";

export type NetworkRow = Network;
/** One entry of the change feed, as the NetworkChange resolvers receive it. */
export type NetworkChange = Change<Network>;

/** Networks have no drafts: the feed carries every one, and deleted ones as removals. */
export const networks = itemTable("networks", (prisma: PrismaClient) => prisma.network);

export function networkLoaders(prisma: PrismaClient) {
  return {
    byLocal: networks.loader(prisma),
    members: childLoader("networkLocal", (where) =>
      prisma.member.findMany({ where, orderBy: [{ position: "asc" }, { name: "asc" }] }),
    ),
    events: childLoader("networkLocal", (where) => prisma.event.findMany({ where, orderBy: { startsAt: "asc" } })),
    links: childLoader("networkLocal", (where) => prisma.networkLink.findMany({ where, orderBy: { linkedId: "asc" } })),
  };
}

/** The deleteNetwork mutation's work, inside its transaction: the network goes, its tombstone stays (shared/item-writes.ts). */
export const removeNetwork = (tx: Prisma.TransactionClient, local: string): Promise<boolean> =>
  removeWithTombstone(tx.network, tx.tombstone, local);

// Data access for networks and their members, events and links: per-request loaders (one query per
// batch), deletes (which keep the tombstones the change feed reads) and the harvest change feed.
import type { Prisma, PrismaClient, Network } from "../generated/prisma/client.ts";
import { removeWithTombstone } from "../../shared/item-writes.ts";
import { groupLoader, rowLoader } from "../../shared/loaders.ts";
import { readChanges, type Change, type ChangePage, type FeedReader } from "../../shared/feed.ts";
import { readVersions, type VersionPage } from "../../shared/versions.ts";

export type NetworkRow = Network;
/** One entry of the change feed, as the NetworkChange resolvers receive it. */
export type NetworkChange = Change<Network>;

export function networkLoaders(prisma: PrismaClient) {
  return {
    byLocal: rowLoader(
      (locals: readonly string[]) => prisma.network.findMany({ where: { local: { in: [...locals] } } }),
      (r) => r.local,
    ),
    members: groupLoader(
      (locals: readonly string[]) =>
        prisma.member.findMany({
          where: { networkLocal: { in: [...locals] } },
          orderBy: [{ position: "asc" }, { name: "asc" }],
        }),
      (m) => m.networkLocal,
    ),
    events: groupLoader(
      (locals: readonly string[]) =>
        prisma.event.findMany({ where: { networkLocal: { in: [...locals] } }, orderBy: { startsAt: "asc" } }),
      (e) => e.networkLocal,
    ),
    links: groupLoader(
      (locals: readonly string[]) =>
        prisma.networkLink.findMany({ where: { networkLocal: { in: [...locals] } }, orderBy: { linkedId: "asc" } }),
      (l) => l.networkLocal,
    ),
  };
}

/** The deleteNetwork mutation's work, inside its transaction: the network goes, its tombstone stays (shared/item-writes.ts). */
export const removeNetwork = (tx: Prisma.TransactionClient, local: string): Promise<boolean> =>
  removeWithTombstone(tx.network, tx.tombstone, local);

/** Every network as an upsert; deleted networks as removals. */
export function networkFeed(
  prisma: PrismaClient,
  after: string | null | undefined,
  first: number | null | undefined,
  reader?: FeedReader,
): Promise<ChangePage<Network>> {
  return readChanges<Network>(
    {
      table: "Network",
      removedSql: "false",
      query: (sql, params) => prisma.$queryRawUnsafe(sql, ...params),
      nodes: (locals) => prisma.network.findMany({ where: { local: { in: locals } } }),
    },
    after,
    first,
    reader,
  );
}

/** The version of every network the feed carries, in id order (the catalogue's reconciliation reads it). */
export function networkVersions(
  prisma: PrismaClient,
  after: string | null | undefined,
  first: number | null | undefined,
): Promise<VersionPage> {
  return readVersions(
    (from, take) =>
      prisma.network.findMany({
        where: { ...(from === undefined ? {} : { local: { gt: from } }) },
        orderBy: { local: "asc" },
        take,
      }),
    after,
    first,
  );
}

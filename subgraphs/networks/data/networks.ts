// Data access for networks and their members, events and links: per-request loaders (one query per
// batch) and the harvest feed.
import type { PrismaClient, Network } from "../generated/prisma/client.ts";
import { groupLoader, rowLoader } from "../../shared/loaders.ts";
import { afterPosition, decodeCursor, FEED_ORDER, feedPage, pageSize } from "../../shared/feed.ts";

export type NetworkRow = Network;

export function networkLoaders(prisma: PrismaClient) {
  return {
    byLocal: rowLoader((locals: readonly string[]) => prisma.network.findMany({ where: { local: { in: [...locals] } } }), (r) => r.local),
    members: groupLoader(
      (locals: readonly string[]) => prisma.member.findMany({ where: { networkLocal: { in: [...locals] } }, orderBy: [{ position: "asc" }, { name: "asc" }] }),
      (m) => m.networkLocal,
    ),
    events: groupLoader(
      (locals: readonly string[]) => prisma.event.findMany({ where: { networkLocal: { in: [...locals] } }, orderBy: { startsAt: "asc" } }),
      (e) => e.networkLocal,
    ),
    links: groupLoader(
      (locals: readonly string[]) => prisma.networkLink.findMany({ where: { networkLocal: { in: [...locals] } }, orderBy: { linkedId: "asc" } }),
      (l) => l.networkLocal,
    ),
  };
}

export async function networkFeed(prisma: PrismaClient, after: string | null | undefined, first: number | null | undefined) {
  const size = pageSize(first);
  const rows = await prisma.network.findMany({ where: afterPosition(decodeCursor(after)), orderBy: FEED_ORDER, take: size + 1 });
  return feedPage(rows, size);
}

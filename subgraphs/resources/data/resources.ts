// Data access for the Resource model: per-request loaders and the harvest feed.
import type { PrismaClient, Resource } from "../generated/prisma/client.ts";
import { rowLoader } from "../../shared/loaders.ts";
import { afterPosition, decodeCursor, FEED_ORDER, feedPage, pageSize } from "../../shared/feed.ts";

export type ResourceRow = Resource;

// Drafts are visible to nobody through the public graph until authenticated reads exist.
const PUBLIC = { status: "PUBLISHED" };

export function resourceLoaders(prisma: PrismaClient) {
  return {
    byLocal: rowLoader(
      (locals: readonly string[]) => prisma.resource.findMany({ where: { local: { in: [...locals] }, ...PUBLIC } }),
      (r) => r.local,
    ),
  };
}

export async function resourceFeed(prisma: PrismaClient, after: string | null | undefined, first: number | null | undefined) {
  const size = pageSize(first);
  const rows = await prisma.resource.findMany({
    where: { ...PUBLIC, ...afterPosition(decodeCursor(after)) },
    orderBy: FEED_ORDER,
    take: size + 1,
  });
  return feedPage(rows, size);
}

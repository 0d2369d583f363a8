// Data access for projects: the project row, its team, funding and resource links; the harvest feed.
import type { PrismaClient, Project } from "../generated/prisma/client.ts";
import { groupLoader, rowLoader } from "../../shared/loaders.ts";
import { afterPosition, decodeCursor, FEED_ORDER, feedPage, pageSize } from "../../shared/feed.ts";

export type ProjectRow = Project;

export function projectLoaders(prisma: PrismaClient) {
  const byProject = { in: (locals: readonly string[]) => ({ projectLocal: { in: [...locals] } }) };
  return {
    byLocal: rowLoader((locals: readonly string[]) => prisma.project.findMany({ where: { local: { in: [...locals] } } }), (r) => r.local),
    team: groupLoader((l: readonly string[]) => prisma.teamMember.findMany({ where: byProject.in(l), orderBy: { position: "asc" } }), (t) => t.projectLocal),
    funding: groupLoader((l: readonly string[]) => prisma.funding.findMany({ where: byProject.in(l), orderBy: { funderId: "asc" } }), (f) => f.projectLocal),
    resourceLinks: groupLoader(
      (l: readonly string[]) => prisma.resourceLink.findMany({ where: byProject.in(l), orderBy: { resourceId: "asc" } }),
      (r) => r.projectLocal,
    ),
  };
}

export async function projectFeed(prisma: PrismaClient, after: string | null | undefined, first: number | null | undefined) {
  const size = pageSize(first);
  const rows = await prisma.project.findMany({ where: afterPosition(decodeCursor(after)), orderBy: FEED_ORDER, take: size + 1 });
  return feedPage(rows, size);
}

// Data access for projects: the project row, its team, funding and resource links; deletes (which
// keep the tombstones the change feed reads); the harvest change feed.
import type { Prisma, PrismaClient, Project } from "../generated/prisma/client.ts";
import { removeWithTombstone } from "../../shared/item-writes.ts";
import { groupLoader, rowLoader } from "../../shared/loaders.ts";
import { readChanges, type Change, type ChangePage, type FeedReader } from "../../shared/feed.ts";
import { readVersions, type VersionPage } from "../../shared/versions.ts";

export type ProjectRow = Project;
/** One entry of the change feed, as the ProjectChange resolvers receive it. */
export type ProjectChange = Change<Project>;

export const PUBLISHED = "PUBLISHED";

/** Anyone may see a published project; drafts only its organisation (shared/owned-entity.ts). */
export const isPublished = (p: Project) => p.publication === PUBLISHED;

export function projectLoaders(prisma: PrismaClient) {
  const byProject = { in: (locals: readonly string[]) => ({ projectLocal: { in: [...locals] } }) };
  return {
    byLocal: rowLoader(
      (locals: readonly string[]) => prisma.project.findMany({ where: { local: { in: [...locals] } } }),
      (r) => r.local,
    ),
    team: groupLoader(
      (l: readonly string[]) => prisma.teamMember.findMany({ where: byProject.in(l), orderBy: { position: "asc" } }),
      (t) => t.projectLocal,
    ),
    funding: groupLoader(
      (l: readonly string[]) => prisma.funding.findMany({ where: byProject.in(l), orderBy: { funderId: "asc" } }),
      (f) => f.projectLocal,
    ),
    resourceLinks: groupLoader(
      (l: readonly string[]) =>
        prisma.resourceLink.findMany({ where: byProject.in(l), orderBy: { resourceId: "asc" } }),
      (r) => r.projectLocal,
    ),
  };
}

/** The deleteProject mutation's work, inside its transaction: the project goes, its tombstone stays (shared/item-writes.ts). */
export const removeProject = (tx: Prisma.TransactionClient, local: string): Promise<boolean> =>
  removeWithTombstone(tx.project, tx.tombstone, local);

/** Published projects as upserts; drafts and deleted projects as removals (no node). */
export function projectFeed(
  prisma: PrismaClient,
  after: string | null | undefined,
  first: number | null | undefined,
  reader?: FeedReader,
): Promise<ChangePage<Project>> {
  return readChanges<Project>(
    {
      table: "Project",
      removedSql: `"publication" <> '${PUBLISHED}'`,
      query: (sql, params) => prisma.$queryRawUnsafe(sql, ...params),
      nodes: (locals) => prisma.project.findMany({ where: { local: { in: locals } } }),
      carried: isPublished,
    },
    after,
    first,
    reader,
  );
}

/** The version of every project the feed carries, in id order (the catalogue's reconciliation reads it). */
export function projectVersions(
  prisma: PrismaClient,
  after: string | null | undefined,
  first: number | null | undefined,
): Promise<VersionPage> {
  return readVersions(
    (from, take) =>
      prisma.project.findMany({
        where: { publication: PUBLISHED, ...(from === undefined ? {} : { local: { gt: from } }) },
        orderBy: { local: "asc" },
        take,
      }),
    after,
    first,
  );
}

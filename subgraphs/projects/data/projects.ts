// Data access for projects: the project row, its team, funding and resource links; deletes (which
// keep the tombstones the change feed reads); the harvest change feed.
import type { Prisma, PrismaClient, Project } from "../generated/prisma/client.ts";
import { removeWithTombstone } from "../../shared/item-writes.ts";
import { itemTable } from "../../shared/item-table.ts";
import { childLoader } from "../../shared/loaders.ts";
import type { Change } from "../../shared/feed.ts";

export type ProjectRow = Project;
/** One entry of the change feed, as the ProjectChange resolvers receive it. */
export type ProjectChange = Change<Project>;

/**
 * The feed carries published projects; drafts and deleted ones are removals. Anyone may see a
 * published project, drafts only its organisation (shared/owned-entity.ts).
 */
export const projects = itemTable("projects", (prisma: PrismaClient) => prisma.project, "publication");

export function projectLoaders(prisma: PrismaClient) {
  return {
    byLocal: projects.loader(prisma),
    team: childLoader("projectLocal", (where) => prisma.teamMember.findMany({ where, orderBy: { position: "asc" } })),
    funding: childLoader("projectLocal", (where) => prisma.funding.findMany({ where, orderBy: { funderId: "asc" } })),
    resourceLinks: childLoader("projectLocal", (where) =>
      prisma.resourceLink.findMany({ where, orderBy: { resourceId: "asc" } }),
    ),
  };
}

/** The deleteProject mutation's work, inside its transaction: the project goes, its tombstone stays (shared/item-writes.ts). */
export const removeProject = (tx: Prisma.TransactionClient, local: string): Promise<boolean> =>
  removeWithTombstone(tx.project, tx.tombstone, local);

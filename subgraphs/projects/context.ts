// The per-request context of a projects partner: the process-wide client and fresh loaders.
import type { PrismaClient } from "./generated/prisma/client.ts";
import type { OpenedDatabase } from "../../lib/db/open.ts";
import type { Partner } from "../../lib/registry/registry.ts";
import type { Caller } from "../shared/caller.ts";
import { auditLoader } from "../shared/audit.ts";
import type { OwnedContext } from "../shared/owned-entity.ts";
import type { ServiceOptions } from "../shared/service.ts";
import { projectLoaders } from "./data/projects.ts";
import { measureLoaders } from "./data/measures.ts";
import { cycleLoaders } from "./data/cycles.ts";

export interface ProjectsContext extends OwnedContext {
  prisma: PrismaClient;
  projects: ReturnType<typeof projectLoaders>;
  measures: ReturnType<typeof measureLoaders>;
  cycles: ReturnType<typeof cycleLoaders>;
  /** This partner's URL as the registry publishes it (what the gateway calls), for links to its charts. */
  publicUrl: () => string;
}

export function projectsContext(
  db: OpenedDatabase<PrismaClient>,
  partner: Partner,
  options: ServiceOptions,
  caller: Caller,
): ProjectsContext {
  return {
    caller,
    audit: auditLoader(db.prisma),
    publicUrl: () => options.registry().get(partner.id)?.url ?? partner.url,
    partner,
    prisma: db.prisma,
    projects: projectLoaders(db.prisma),
    measures: measureLoaders(db.prisma, db.sql),
    cycles: cycleLoaders(db.prisma),
  };
}

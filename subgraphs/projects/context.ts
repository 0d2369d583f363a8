// The per-request context of a projects partner: the process-wide client and fresh loaders.
import type { PrismaClient } from "./generated/prisma/client.ts";
import type { OpenedDatabase } from "../../lib/db/open.ts";
import type { Partner } from "../../schema/registry.ts";
import { projectLoaders } from "./data/projects.ts";
import { measureLoaders } from "./data/measures.ts";
import { cycleLoaders } from "./data/cycles.ts";

export interface ProjectsContext {
  partner: Partner;
  prisma: PrismaClient;
  projects: ReturnType<typeof projectLoaders>;
  measures: ReturnType<typeof measureLoaders>;
  cycles: ReturnType<typeof cycleLoaders>;
}

export function projectsContext(db: OpenedDatabase<PrismaClient>, partner: Partner): ProjectsContext {
  return {
    partner,
    prisma: db.prisma,
    projects: projectLoaders(db.prisma),
    measures: measureLoaders(db.prisma),
    cycles: cycleLoaders(db.prisma),
  };
}

// A projects partner: the contract schema/projects.graphql served from this partner's database.
import { PrismaClient } from "./generated/prisma/client.ts";
import { defineService } from "../shared/service.ts";
import { projectsPrisma } from "./prisma/paths.ts";
import { resolvers } from "./resolvers.ts";
import { projectsContext, type ProjectsContext } from "./context.ts";
import { seedProjects } from "./seed.ts";
import { chartRoutes } from "./chart-resolvers.ts";

export const projectsService = defineService<PrismaClient, ProjectsContext>("projects", projectsPrisma, PrismaClient, {
  resolvers,
  context: projectsContext,
  seed: seedProjects,
  routes: chartRoutes,
});

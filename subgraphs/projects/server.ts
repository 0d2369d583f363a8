// A projects partner: the contract schema/projects.graphql served from this partner's database.
import { PrismaClient } from "./generated/prisma/client.ts";
import type { ServiceDefinition } from "../shared/service.ts";
import { projectsPrisma } from "./prisma/paths.ts";
import { resolvers } from "./resolvers.ts";
import { projectsContext, type ProjectsContext } from "./context.ts";
import { seedProjects } from "./seed.ts";
import { chartRoutes } from "./chart-resolvers.ts";

export const projectsService: ServiceDefinition<PrismaClient, ProjectsContext> = {
  kind: "projects",
  migrations: projectsPrisma.migrations,
  makeClient: (options) => new PrismaClient(options),
  resolvers,
  context: projectsContext,
  seed: seedProjects,
  routes: chartRoutes,
};

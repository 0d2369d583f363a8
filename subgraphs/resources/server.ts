// A resources partner: the contract schema/resources.graphql served from this partner's database.
import { PrismaClient } from "./generated/prisma/client.ts";
import { defineService } from "../shared/service.ts";
import { resourcesPrisma } from "./prisma/paths.ts";
import { resolvers } from "./resolvers.ts";
import { resourcesContext, type ResourcesContext } from "./context.ts";
import { seedResources } from "./seed.ts";

export const resourcesService = defineService<PrismaClient, ResourcesContext>(
  "resources",
  resourcesPrisma,
  PrismaClient,
  {
    resolvers,
    context: resourcesContext,
    seed: seedResources,
  },
);

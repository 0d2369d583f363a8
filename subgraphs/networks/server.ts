// A networks partner: the contract schema/networks.graphql served from this partner's database.
import { PrismaClient } from "./generated/prisma/client.ts";
import { defineService } from "../shared/service.ts";
import { networksPrisma } from "./prisma/paths.ts";
import { resolvers } from "./resolvers.ts";
import { networksContext, type NetworksContext } from "./context.ts";
import { seedNetworks } from "./seed.ts";

export const networksService = defineService<PrismaClient, NetworksContext>("networks", networksPrisma, PrismaClient, {
  resolvers,
  context: networksContext,
  seed: seedNetworks,
});

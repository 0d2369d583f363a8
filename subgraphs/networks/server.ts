// A networks partner: the contract schema/networks.graphql served from this partner's database.
import { PrismaClient } from "./generated/prisma/client.ts";
import type { ServiceDefinition } from "../shared/service.ts";
import { networksPrisma } from "./prisma/paths.ts";
import { resolvers } from "./resolvers.ts";
import { networksContext, type NetworksContext } from "./context.ts";
import { seedNetworks } from "./seed.ts";

export const networksService: ServiceDefinition<PrismaClient, NetworksContext> = {
  kind: "networks",
  migrations: networksPrisma.migrations,
  makeClient: (options) => new PrismaClient(options),
  resolvers,
  context: networksContext,
  seed: seedNetworks,
};

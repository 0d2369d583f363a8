// The national catalogue: directory, vocabulary and the search index harvested from every partner.
import { PrismaClient } from "./generated/prisma/client.ts";
import { defineService } from "../shared/service.ts";
import { cataloguePrisma } from "./prisma/paths.ts";
import { resolvers } from "./resolvers.ts";
import { catalogueContext, type CatalogueContext } from "./context.ts";
import { Harvester, scheduleHarvests } from "./harvest/harvester.ts";
import { adminRoutes } from "./admin.ts";

export const catalogueService = defineService<PrismaClient, CatalogueContext>(
  "catalogue",
  cataloguePrisma,
  PrismaClient,
  {
    resolvers,
    context: catalogueContext,
    routes: adminRoutes,
    background: async (db, options) => {
      const harvester = new Harvester(
        db,
        options.registry,
        options.partnerTimeoutMs,
        options.logger,
        options.checker,
        options.auth?.signer,
      );
      // stop() lets a running harvest finish its page and record its cursor (Harvester.stop): the
      // service's shutdown awaits it before closing the database.
      return {
        stop: scheduleHarvests(
          harvester,
          options.harvestIntervalMs,
          options.harvestAtStart ?? true,
          options.reconcileIntervalMs ?? 0,
        ),
        handle: harvester,
      };
    },
  },
);

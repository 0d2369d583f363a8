// Thin resolvers: shape rows from data/ into the contract (schema/resources.graphql).
import { ownedEntity } from "../shared/owned-entity.ts";
import { changeEntry } from "../shared/change-resolvers.ts";
import { isoDay, isoTime, ref, refs } from "../shared/values.ts";
import { resourceFeed, type ResourceRow } from "./data/resources.ts";
import type { ResourcesContext } from "./context.ts";

export const resolvers = {
  Query: {
    resourceFeed: (_: unknown, args: { after?: string; first?: number }, ctx: ResourcesContext) =>
      resourceFeed(ctx.prisma, args.after, args.first),
  },
  ResourceChange: changeEntry("resources"),
  Resource: {
    ...ownedEntity("resources", (ctx: ResourcesContext) => ctx.loaders.byLocal),
    publisher: (r: ResourceRow) => ref(r.publisherId),
    topics: (r: ResourceRow) => refs(r.topics),
    drivers: (r: ResourceRow) => refs(r.drivers),
    settings: (r: ResourceRow) => refs(r.settings),
    publishedOn: (r: ResourceRow) => isoDay(r.publishedOn),
    updatedAt: (r: ResourceRow) => isoTime(r.updatedAt),
  },
};

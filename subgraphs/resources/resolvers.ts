// Thin resolvers: shape rows from data/ into the contract (schema/resources.graphql).
import { formatId, parseId } from "../../schema/ids.ts";
import { isoDay, isoTime, ref, refs } from "../shared/values.ts";
import { resourceFeed, type ResourceRow } from "./data/resources.ts";
import type { ResourcesContext } from "./context.ts";

export const resolvers = {
  Query: {
    resourceFeed: (_: unknown, args: { after?: string; first?: number }, ctx: ResourcesContext) =>
      resourceFeed(ctx.prisma, args.after, args.first),
  },
  Resource: {
    __resolveReference: (ref: { id: string }, ctx: ResourcesContext) => {
      const id = parseId(ref.id);
      // An id naming another partner is not ours to answer: null, as the subgraph spec asks.
      if (!id || id.kind !== "resources" || id.partner !== ctx.partner.id) return null;
      return ctx.loaders.byLocal.load(id.local);
    },
    id: (r: ResourceRow, _: unknown, ctx: ResourcesContext) => formatId(ctx.partner.id, "resources", r.local),
    organisation: (_: ResourceRow, __: unknown, ctx: ResourcesContext) => ({ id: ctx.partner.organisation }),
    publisher: (r: ResourceRow) => ref(r.publisherId),
    topics: (r: ResourceRow) => refs(r.topics),
    drivers: (r: ResourceRow) => refs(r.drivers),
    settings: (r: ResourceRow) => refs(r.settings),
    publishedOn: (r: ResourceRow) => isoDay(r.publishedOn),
    updatedAt: (r: ResourceRow) => isoTime(r.updatedAt),
  },
};

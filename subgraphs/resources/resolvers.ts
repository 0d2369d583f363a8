// Thin resolvers: shape rows from data/ into the contract (schema/resources.graphql).
import { ownedEntity, ownedLookup } from "../shared/owned-entity.ts";
import { changeEntry, feedReaderOf, versionEntry } from "../shared/change-resolvers.ts";
import { isoDay, isoTime, ref, refs } from "../shared/values.ts";
import { isPublished, resourceFeed, resourceVersions, type ResourceRow } from "./data/resources.ts";
import { mutations } from "./mutations.ts";
import { effectiveLicence } from "../../schema/licences.ts";
import type { ResourcesContext } from "./context.ts";

const byLocal = (ctx: ResourcesContext) => ctx.loaders.byLocal;
const resourceFromOwner = ownedLookup("resources", byLocal, isPublished);

export const resolvers = {
  Query: {
    resourceFromOwner: (_: unknown, args: { id: string }, ctx: ResourcesContext) => resourceFromOwner(args.id, ctx),
    resourceFeed: (_: unknown, args: { after?: string; first?: number }, ctx: ResourcesContext) =>
      resourceFeed(ctx.prisma, args.after, args.first, feedReaderOf(ctx.caller)),
    resourceVersions: (_: unknown, args: { after?: string; first?: number }, ctx: ResourcesContext) => resourceVersions(ctx.prisma, args.after, args.first),
  },
  Mutation: mutations,
  ResourceChange: changeEntry("resources"),
  ResourceVersion: versionEntry("resources"),
  Resource: {
    ...ownedEntity("resources", byLocal, isPublished),
    publisher: (r: ResourceRow) => ref(r.publisherId),
    topics: (r: ResourceRow) => refs(r.topics),
    drivers: (r: ResourceRow) => refs(r.drivers),
    settings: (r: ResourceRow) => refs(r.settings),
    publishedOn: (r: ResourceRow) => isoDay(r.publishedOn),
    updatedAt: (r: ResourceRow) => isoTime(r.updatedAt),
    // Read from the registry on every request, so a partner's new default applies without a restart.
    licence: (r: ResourceRow, _: unknown, ctx: ResourcesContext) => effectiveLicence(r.licence, ctx.partner.defaultLicence),
  },
};

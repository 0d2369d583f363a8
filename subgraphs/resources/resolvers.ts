// Thin resolvers: shape rows from data/ into the contract (schema/resources.graphql).
import { ownedEntity, ownedLookup } from "../shared/owned-entity.ts";
import { changeEntry, feedReaderOf, versionEntry } from "../shared/change-resolvers.ts";
import { isoDay, isoTime, ref, refs } from "../shared/values.ts";
import { isPublished, resourceFeed, resourceVersions } from "./data/resources.ts";
import { mutations } from "./mutations.ts";
import { effectiveLicence } from "../../schema/licences.ts";
import type { ResourcesContext } from "./context.ts";
import type { Resolvers } from "./generated/graphql.ts";

const byLocal = (ctx: ResourcesContext) => ctx.loaders.byLocal;
const resourceFromOwner = ownedLookup("resources", byLocal, isPublished);

export const resolvers: Resolvers = {
  Query: {
    resourceFromOwner: (_, args, ctx) => resourceFromOwner(args.id, ctx),
    resourceFeed: (_, args, ctx) =>
      resourceFeed(ctx.prisma, args.after, args.first, feedReaderOf(ctx.caller)),
    resourceVersions: (_, args, ctx) => resourceVersions(ctx.prisma, args.after, args.first),
  },
  Mutation: mutations,
  ResourceChange: changeEntry("resources"),
  ResourceVersion: versionEntry("resources"),
  Resource: {
    ...ownedEntity("resources", byLocal, isPublished),
    publisher: (r) => ref(r.publisherId),
    topics: (r) => refs(r.topics),
    drivers: (r) => refs(r.drivers),
    settings: (r) => refs(r.settings),
    publishedOn: (r) => isoDay(r.publishedOn),
    updatedAt: (r) => isoTime(r.updatedAt),
    // Read from the registry on every request, so a partner's new default applies without a restart.
    licence: (r, _, ctx) => effectiveLicence(r.licence, ctx.partner.defaultLicence),
  },
};

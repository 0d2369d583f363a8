// Thin resolvers: shape rows from data/ into the contract (schema/resources.graphql).
import { itemResolvers, resolverMap } from "../shared/item-resolvers.ts";
import { isoDay, ref } from "../shared/values.ts";
import { resources } from "./data/resources.ts";
import { mutations } from "./mutations.ts";
import { effectiveLicence } from "../../schema/licences.ts";
import type { ResourcesContext } from "./context.ts";
import type { Resolvers } from "./generated/graphql.ts";

const item = itemResolvers("resources", resources, (ctx: ResourcesContext) => ctx.loaders.byLocal, mutations);

export const resolvers: Resolvers = resolverMap("resources", item, {
  Resource: {
    publisher: (r) => ref(r.publisherId),
    publishedOn: (r) => isoDay(r.publishedOn),
    // Read from the registry on every request, so a partner's new default applies without a restart.
    licence: (r, _, ctx) => effectiveLicence(r.licence, ctx.partner.defaultLicence),
  },
});

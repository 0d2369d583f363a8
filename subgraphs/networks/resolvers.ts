// Thin resolvers: shape rows from data/ into the contract (schema/networks.graphql).
import { itemResolvers, resolverMap } from "../shared/item-resolvers.ts";
import { badInput } from "../../lib/errors.ts";
import { isoTime, ref } from "../shared/values.ts";
import { networks } from "./data/networks.ts";
import type { NetworksContext } from "./context.ts";
import { mutations } from "./mutations.ts";
import type { Resolvers } from "./generated/graphql.ts";

const MAX_MEMBERS = 200;

const item = itemResolvers("networks", networks, (ctx: NetworksContext) => ctx.loaders.byLocal, mutations);

export const resolvers: Resolvers = resolverMap("networks", item, {
  Network: {
    region: (n) => ref(n.regionId),
    members: async (n, args, ctx) => {
      const first = args.first ?? 50;
      if (!Number.isInteger(first) || first < 0 || first > MAX_MEMBERS)
        throw badInput(`first must be between 0 and ${MAX_MEMBERS}`, ["first"]);
      return (await ctx.loaders.members.load(n.local)).slice(0, first);
    },
    memberCount: async (n, _, ctx) => (await ctx.loaders.members.load(n.local)).length,
    events: async (n, args, ctx) => {
      const events = await ctx.loaders.events.load(n.local);
      const now = Date.now();
      return args.upcomingOnly ? events.filter((e) => e.startsAt.getTime() >= now) : events;
    },
    linkedNetworkIds: async (n, _, ctx) => (await ctx.loaders.links.load(n.local)).map((l) => l.linkedId),
  },
  Member: {
    organisation: (m) => ref(m.organisationId),
  },
  Event: {
    startsAt: (e) => isoTime(e.startsAt),
    endsAt: (e) => isoTime(e.endsAt),
  },
});

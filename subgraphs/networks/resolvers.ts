// Thin resolvers: shape rows from data/ into the contract (schema/networks.graphql).
import { ownedEntity, ownedLookup } from "../shared/owned-entity.ts";
import { changeEntry, feedReaderOf, versionEntry } from "../shared/change-resolvers.ts";
import { badInput } from "../../lib/errors.ts";
import { isoTime, ref, refs } from "../shared/values.ts";
import { networkFeed, networkVersions, type NetworkRow } from "./data/networks.ts";
import type { NetworksContext } from "./context.ts";
import { mutations } from "./mutations.ts";
import type { Member, Event } from "./generated/prisma/client.ts";

const MAX_MEMBERS = 200;

const networkFromOwner = ownedLookup("networks", (ctx: NetworksContext) => ctx.loaders.byLocal);

export const resolvers = {
  Query: {
    networkFromOwner: (_: unknown, args: { id: string }, ctx: NetworksContext) => networkFromOwner(args.id, ctx),
    networkFeed: (_: unknown, args: { after?: string; first?: number }, ctx: NetworksContext) => networkFeed(ctx.prisma, args.after, args.first, feedReaderOf(ctx.caller)),
    networkVersions: (_: unknown, args: { after?: string; first?: number }, ctx: NetworksContext) => networkVersions(ctx.prisma, args.after, args.first),
  },
  Mutation: mutations,
  NetworkChange: changeEntry("networks"),
  NetworkVersion: versionEntry("networks"),
  Network: {
    ...ownedEntity("networks", (ctx: NetworksContext) => ctx.loaders.byLocal),
    region: (n: NetworkRow) => ref(n.regionId),
    topics: (n: NetworkRow) => refs(n.topics),
    settings: (n: NetworkRow) => refs(n.settings),
    drivers: (n: NetworkRow) => refs(n.drivers),
    members: async (n: NetworkRow, args: { first?: number }, ctx: NetworksContext) => {
      const first = args.first ?? 50;
      if (!Number.isInteger(first) || first < 0 || first > MAX_MEMBERS) throw badInput(`first must be between 0 and ${MAX_MEMBERS}`, ["first"]);
      return (await ctx.loaders.members.load(n.local)).slice(0, first);
    },
    memberCount: async (n: NetworkRow, _: unknown, ctx: NetworksContext) => (await ctx.loaders.members.load(n.local)).length,
    events: async (n: NetworkRow, args: { upcomingOnly?: boolean }, ctx: NetworksContext) => {
      const events = await ctx.loaders.events.load(n.local);
      const now = Date.now();
      return args.upcomingOnly ? events.filter((e) => e.startsAt.getTime() >= now) : events;
    },
    linkedNetworkIds: async (n: NetworkRow, _: unknown, ctx: NetworksContext) => (await ctx.loaders.links.load(n.local)).map((l) => l.linkedId),
    updatedAt: (n: NetworkRow) => isoTime(n.updatedAt),
  },
  Member: {
    organisation: (m: Member) => ref(m.organisationId),
  },
  Event: {
    startsAt: (e: Event) => isoTime(e.startsAt),
    endsAt: (e: Event) => isoTime(e.endsAt),
  },
};

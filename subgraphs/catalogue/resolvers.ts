// Thin resolvers for the national catalogue (schema/catalogue.graphql).
import { parseId } from "../../schema/ids.ts";
import { ENTITY_OF_KIND, type PartnerKind } from "../../schema/kinds.ts";
import type { Partner } from "../../schema/registry.ts";
import { badInput } from "../../lib/errors.ts";
import { isoTime } from "../shared/values.ts";
import { parseSearchArgs, search } from "./data/search.ts";
import { allStates } from "./data/harvest-state.ts";
import type { ItemRow } from "./data/items.ts";
import { driversOfCondition, framework, organisation, ORGANISATIONS, REGIONS, SETTINGS, TOPICS, vocabularyEntry } from "./directory.ts";
import type { CatalogueContext } from "./context.ts";

type Hit = Pick<ItemRow, "id" | "typename" | "partnerId" | "organisationId" | "title" | "summary" | "stale" | "lastSeen">;

/** Root lookups: the id's shape is checked here, so a malformed id is a clear error, not a null. */
function itemLookup(kind: PartnerKind) {
  return async (_: unknown, args: { id: string }, ctx: CatalogueContext) => {
    const id = parseId(args.id);
    const word = ENTITY_OF_KIND[kind].idWord;
    if (!id || id.kind !== kind) throw badInput(`id must be a ${word} id of the form <partner>:${word}:<local id>`, ["id"]);
    const row = await ctx.items.byId.load(args.id);
    return row && row.typename === ENTITY_OF_KIND[kind].typename ? row : null;
  };
}

const itemFields = {
  organisation: (r: Hit) => organisation(r.organisationId),
  lastSeen: (r: Hit) => isoTime(r.lastSeen),
  partner: (r: Hit, _: unknown, ctx: CatalogueContext) => ctx.registry.get(r.partnerId) ?? { id: r.partnerId, name: r.partnerId, kind: "unknown", organisation: r.organisationId, enabled: false },
};

const entity = (typename: string) => ({
  __resolveReference: async (ref: { id: string }, ctx: CatalogueContext) => {
    const row = await ctx.items.byId.load(ref.id);
    return row && row.typename === typename ? row : null;
  },
  ...itemFields,
});

async function partnerView(ctx: CatalogueContext) {
  const states = await allStates(ctx.db.prisma);
  return ctx.registry.partners.map((p) => ({ partner: p, state: states.get(p.id) }));
}

export const resolvers = {
  Query: {
    search: async (_: unknown, raw: Record<string, unknown>, ctx: CatalogueContext) => {
      const args = parseSearchArgs(raw);
      const result = await search(ctx.db.sql, args);
      return {
        totalCount: result.totalCount,
        pageInfo: { hasNextPage: result.hasNextPage, endCursor: result.endCursor },
        edges: result.hits.map((node, i) => ({ node, score: node.score, cursor: result.cursors[i] })),
      };
    },
    resource: itemLookup("resources"),
    network: itemLookup("networks"),
    project: itemLookup("projects"),
    organisations: (_: unknown, args: { type?: string; region?: string }) =>
      ORGANISATIONS.filter((o) => (!args.type || o.type === args.type) && (!args.region || o.region === args.region)),
    organisation: (_: unknown, args: { id: string }) => organisation(args.id),
    framework,
    topics: () => TOPICS,
    settings: () => SETTINGS,
    regions: () => REGIONS,
    partners: async (_: unknown, __: unknown, ctx: CatalogueContext) => (await partnerView(ctx)).map((v) => ({ ...v.partner, state: v.state })),
  },
  CatalogueItem: {
    __resolveType: (r: Hit) => r.typename,
  },
  Resource: {
    ...entity("Resource"),
    projects: (r: Hit, _: unknown, ctx: CatalogueContext) => ctx.items.projectsOfResource.load(r.id),
  },
  Network: {
    ...entity("Network"),
    projects: (r: Hit, _: unknown, ctx: CatalogueContext) => ctx.items.projectsOfNetwork.load(r.id),
    // Whole index rows, not references: the catalogue answers their summary fields itself.
    linkedNetworks: async (r: Hit & { linkedIds: string[] }, _: unknown, ctx: CatalogueContext) =>
      (await ctx.items.byId.loadMany(r.linkedIds)).filter((x): x is ItemRow => !!x && !(x instanceof Error) && x.typename === "Network"),
  },
  Project: entity("Project"),
  Organisation: {
    __resolveReference: (ref: { id: string }) => organisation(ref.id),
    region: (o: { region: string | null }) => (o.region ? { id: o.region } : null),
    partners: (o: { id: string }, _: unknown, ctx: CatalogueContext) => ctx.registry.partners.filter((p) => p.organisation === o.id),
  },
  Partner: {
    organisation: (p: Partner) => ({ id: p.organisation }),
    region: (p: Partner) => ({ id: p.region }),
    // The catalogue answers this very query, so it is up; partner kinds report their last harvest.
    status: (p: Partner & { state?: { status: string } }) => (!p.enabled ? "DISABLED" : p.kind === "catalogue" ? "UP" : (p.state?.status ?? "PENDING")),
    reason: (p: Partner & { state?: { reason: string | null } }) => p.state?.reason ?? null,
    lastHarvest: (p: Partner & { state?: { lastHarvest: Date | null } }) => isoTime(p.state?.lastHarvest),
    itemCount: (p: Partner & { state?: { itemCount: number } }) => p.state?.itemCount ?? 0,
  },
  Framework: {},
  Condition: {
    __resolveReference: (ref: { id: string }) => vocabularyEntry("Condition", ref.id),
    drivers: (c: { id: string }) => driversOfCondition(c.id),
  },
  Driver: {
    __resolveReference: (ref: { id: string }) => vocabularyEntry("Driver", ref.id),
    condition: (d: { condition: string }) => vocabularyEntry("Condition", d.condition),
  },
  Topic: { __resolveReference: (ref: { id: string }) => vocabularyEntry("Topic", ref.id) },
  Setting: { __resolveReference: (ref: { id: string }) => vocabularyEntry("Setting", ref.id) },
  Region: {
    __resolveReference: (ref: { id: string }) => vocabularyEntry("Region", ref.id),
    name: (r: { id: string; name?: string }) => r.name ?? vocabularyEntry("Region", r.id)?.name ?? r.id,
  },
};

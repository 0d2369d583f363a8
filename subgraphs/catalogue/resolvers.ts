// Thin resolvers for the national catalogue (schema/catalogue.graphql).
import { parseId } from "../../schema/ids.ts";
import { ENTITY_OF_KIND, kindOfTypename, type PartnerKind } from "../../schema/kinds.ts";
import { badInput } from "../../lib/errors.ts";
import { isoTime } from "../shared/values.ts";
import { parseSearchArgs, search, searchFacets } from "./data/search.ts";
import { parseSimilarFirst, similarLoader } from "./data/similar.ts";
import { facetLabel } from "./harvest/facets.ts";
import { allStates, type PartnerView } from "./data/harvest-state.ts";
import type { ItemRow, ItemSummary } from "./data/items.ts";
import {
  condition,
  conditionOfDriver,
  driver,
  driversOfCondition,
  framework,
  knownOrganisation,
  organisation,
  ORGANISATIONS,
  REGIONS,
  SETTINGS,
  TOPICS,
  vocabularyEntry,
} from "./directory.ts";
import type { CatalogueContext } from "./context.ts";
import type { Verdict } from "../../lib/contract/checker.ts";
import { MEASURE_LIBRARY, libraryMeasure } from "../../schema/measure-library.ts";
import {
  compareMeasure,
  comparisonFunnel,
  entriesOfCodes,
  parseComparisonArgs,
  summariesOf,
  type FunnelOf,
  type MeasurePeers,
} from "./data/measure-comparison.ts";
import { funnelBand } from "./charts/funnel.ts";
import { funnelSvg } from "./charts/funnel-svg.ts";
import DataLoader from "dataloader";
import { comparisonSvg } from "./charts/comparison-svg.ts";
import type { CatalogueItemResolvers, PartnerStatus, Resolvers } from "./generated/graphql.ts";
import { contractEnum } from "../../schema/contracts.ts";

type Hit = ItemSummary;

/** Root lookups: the id's shape is checked here, so a malformed id is a clear error, not a null. */
function itemLookup(kind: PartnerKind) {
  return async (_: unknown, args: { id: string }, ctx: CatalogueContext) => {
    const id = parseId(args.id);
    const word = ENTITY_OF_KIND[kind].idWord;
    if (!id || id.kind !== kind)
      throw badInput(`id must be a ${word} id of the form <partner>:${word}:<local id>`, ["id"]);
    const row = await ctx.items.byId.load(args.id);
    return row && row.typename === ENTITY_OF_KIND[kind].typename ? row : null;
  };
}

const itemFields = {
  organisation: (r: Hit) => knownOrganisation(r.organisationId),
  lastSeen: (r: Hit) => isoTime(r.lastSeen),
  partner: (r: Hit, _: unknown, ctx: CatalogueContext): PartnerView =>
    ctx.registry.get(r.partnerId) ?? {
      id: r.partnerId,
      name: r.partnerId,
      kind: "unknown",
      organisation: r.organisationId,
      enabled: false,
    },
};

const entity = (typename: string) => ({
  __resolveReference: async (ref: { id: string }, ctx: CatalogueContext) => {
    const row = await ctx.items.byId.load(ref.id);
    return row && row.typename === typename ? row : null;
  },
  ...itemFields,
});

// Similar-work loaders, one per request context (the context is built outside this module).
const similarLoaders = new WeakMap<CatalogueContext, ReturnType<typeof similarLoader>>();
function similar(ctx: CatalogueContext) {
  let loader = similarLoaders.get(ctx);
  if (!loader) similarLoaders.set(ctx, (loader = similarLoader(ctx.db.sql)));
  return loader;
}

/** Project.similarProjects and Resource.related: validated `first`, batched per request. */
const similarItems = (r: Hit, args: { first?: number | null }, ctx: CatalogueContext) =>
  similar(ctx).load({ id: r.id, first: parseSimilarFirst(args.first) });

const peerLoaders = new WeakMap<CatalogueContext, DataLoader<string, MeasurePeers[]>>();

/**
 * Project.measurePeers for a page of projects in two statements: their coded measures, then every
 * entry of those codes; each measure's peers are the entries of its code at other organisations.
 */
function peers(ctx: CatalogueContext) {
  let loader = peerLoaders.get(ctx);
  if (!loader) {
    loader = new DataLoader<string, MeasurePeers[]>(
      async (ids) => {
        const own = await summariesOf(ctx.db.sql, ids);
        const entries = await entriesOfCodes(ctx.db.sql, [...new Set(own.map((m) => m.code))]);
        return ids.map((id) =>
          own
            .filter((m) => m.itemId === id)
            .map((m) => ({
              measureId: m.measureId,
              code: m.code,
              measureName: m.name,
              peers: entries.filter((e) => e.code === m.code && e.organisationId !== m.organisationId),
            })),
        );
      },
      { maxBatchSize: 100 },
    );
    peerLoaders.set(ctx, loader);
  }
  return loader;
}

// Once per request, however many organisations ask for their partners.
const views = new WeakMap<CatalogueContext, Promise<PartnerView[]>>();
function partnerView(ctx: CatalogueContext): Promise<PartnerView[]> {
  let v = views.get(ctx);
  if (!v) views.set(ctx, (v = readPartnerView(ctx)));
  return v;
}

async function readPartnerView(ctx: CatalogueContext): Promise<PartnerView[]> {
  const states = await allStates(ctx.db.prisma);
  const verdicts = (await ctx.checker?.known()) ?? new Map<string, Verdict>();
  return ctx.registry.partners.map((p) => ({
    ...p,
    state: states.get(p.id) ?? undefined,
    verdict: verdicts.get(p.id),
  }));
}

// What the harvester records (data/harvest-state.ts) is one of the contract's statuses.
const PARTNER_STATUSES = new Set<string>(contractEnum("catalogue", "PartnerStatus"));
const isPartnerStatus = (s: string): s is PartnerStatus => PARTNER_STATUSES.has(s);

/** Disabled beats quarantined beats the last harvest; the catalogue answering is itself up. */
function partnerStatus(p: PartnerView): { status: PartnerStatus; reason: string | null } {
  if (!p.enabled) return { status: "DISABLED", reason: null };
  if (p.kind === "catalogue") return { status: "UP", reason: null };
  if (p.verdict?.status === "quarantined") return { status: "QUARANTINED", reason: p.verdict.reason };
  const recorded = p.state?.status ?? "PENDING";
  if (!isPartnerStatus(recorded))
    throw new Error(`partner ${p.id} has harvest status ${recorded}, which PartnerStatus does not declare`);
  return { status: recorded, reason: p.state?.reason ?? null };
}

/** The contract type of an index row: the typenames the harvester writes are the kinds' (schema/kinds.ts). */
const resolveItemType: CatalogueItemResolvers["__resolveType"] = (r) => {
  const kind = kindOfTypename(r.typename);
  if (!kind) throw new Error(`index row ${r.id} has typename ${r.typename}, not a partner kind's`);
  return ENTITY_OF_KIND[kind].typename;
};

export const resolvers: Resolvers = {
  Query: {
    search: async (_, raw, ctx) => {
      const args = parseSearchArgs(raw);
      const result = await search(ctx.db.sql, args);
      return {
        totalCount: result.totalCount,
        pageInfo: { hasNextPage: result.hasNextPage, endCursor: result.endCursor },
        // search() answers one cursor per hit.
        edges: result.hits.map((node, i) => ({ node, score: node.score, cursor: result.cursors[i]! })),
        args,
      };
    },
    resource: itemLookup("resources"),
    network: itemLookup("networks"),
    project: itemLookup("projects"),
    organisations: (_, args) =>
      ORGANISATIONS.filter((o) => (!args.type || o.type === args.type) && (!args.region || o.region === args.region)),
    organisation: (_, args) => organisation(args.id),
    framework,
    topics: () => TOPICS,
    settings: () => SETTINGS,
    regions: () => REGIONS,
    partners: (_, __, ctx) => partnerView(ctx),
    measureLibrary: () => MEASURE_LIBRARY,
    measureComparison: async (_, raw, ctx) => {
      const args = parseComparisonArgs(raw);
      const measure = libraryMeasure(args.code);
      // parseComparisonArgs accepts the library's codes only.
      if (!measure) throw badInput(`code ${args.code} is not in the measure library`, ["code"]);
      const entries = await compareMeasure(ctx.db.sql, args);
      const { funnel, rates } = comparisonFunnel(measure, entries);
      return {
        measure,
        entries: entries.map((r) => ({ ...r, rate: rates.get(r) ?? null })),
        funnel: funnel && { ...funnel, measure },
      };
    },
  },
  LibraryMeasure: {
    settings: (m) => m.settings.flatMap((id) => vocabularyEntry("Setting", id) ?? []),
    drivers: (m) => m.drivers.flatMap((id) => driver(id) ?? []),
    topics: (m) => m.topics.flatMap((id) => vocabularyEntry("Topic", id) ?? []),
    citationUrl: (m) => m.citation?.url ?? null,
    citationTitle: (m) => m.citation?.title ?? null,
    citationNote: (m) => m.citationNote ?? null,
    rateBase: (m) => m.rate?.base ?? null,
    ratePer: (m) => m.rate?.per ?? null,
    denominatorKind: (m) => m.rate?.denominatorKind ?? null,
  },
  MeasureComparison: {
    chart: (c) =>
      comparisonSvg(
        // "Falls per 1,000 occupied bed days (falls per 1,000 occupied bed days)" says it twice.
        c.measure.name.toLowerCase().includes(c.measure.unit.toLowerCase())
          ? c.measure.name
          : `${c.measure.name} (${c.measure.unit})`,
        c.entries.map((r) => ({
          organisation: organisation(r.organisationId)?.name ?? r.organisationId,
          project: r.title,
          unit: r.unit,
          latestValue: r.latestValue,
          latestDate: r.latestDate,
          mean: r.mean,
          upperLimit: r.upperLimit,
          lowerLimit: r.lowerLimit,
          target: r.target,
          variation: r.variation,
          assurance: r.assurance,
          status: r.status,
        })),
      ),
  },
  FunnelPlot: {
    pooledRate: (f: FunnelOf) => f.theta * f.per,
    plotted: (f: FunnelOf) => f.plotted.length,
    chart: (f: FunnelOf) =>
      funnelSvg({
        title: f.measure.name,
        per: f.per,
        of: f.of,
        kind: f.denominatorKind,
        improvement: f.measure.improvement,
        theta: f.theta,
        points: f.plotted.map((r) => {
          const count = { numerator: r.rateNumerator!, denominator: r.rateDenominator! };
          return {
            organisation: organisation(r.organisationId)?.name ?? r.organisationId,
            project: r.title,
            ...count,
            band: funnelBand(count, f.theta, f.denominatorKind).band,
          };
        }),
      }),
  },
  MeasureComparisonEntry: {
    organisation: (r) => knownOrganisation(r.organisationId),
    // The index row (the catalogue answers the shared summary fields); the gateway resolves the
    // project's other fields from its owner. A summary is written with its item and goes with it.
    project: async (r, _, ctx) => {
      const row = await ctx.items.byId.load(r.itemId);
      if (!row) throw new Error(`measure summary ${r.measureId} names ${r.itemId}, which is not in the index`);
      return row;
    },
    region: (r) => (r.regionId ? vocabularyEntry("Region", r.regionId) : null),
    settings: (r) => r.settings.flatMap((id) => vocabularyEntry("Setting", id) ?? []),
    measureName: (r) => r.name,
    analysisStatus: (r) => r.status,
    upperProcessLimit: (r) => r.upperLimit,
    lowerProcessLimit: (r) => r.lowerLimit,
    updatedAt: (r) => isoTime(r.updatedAt),
  },
  SearchConnection: {
    // Counted only when asked for: one more statement, whatever the page size.
    facets: async (c, _, ctx) =>
      (await searchFacets(ctx.db.sql, c.args)).map((f) => ({
        dimension: f.dimension,
        values: f.values.map((v) => ({ ...v, label: facetLabel(f.dimension, v.value) })),
      })),
  },
  CatalogueItem: {
    __resolveType: resolveItemType,
  },
  Resource: {
    ...entity("Resource"),
    projects: (r, _, ctx) => ctx.items.projectsOfResource.load(r.id),
    related: similarItems,
    // A search hit or a similar item carries no licence column: its index row does (one batched load).
    licence: async (r: Hit & { licence?: string | null }, _: unknown, ctx: CatalogueContext) =>
      r.licence !== undefined ? r.licence : ((await ctx.items.byId.load(r.id))?.licence ?? null),
  },
  Network: {
    ...entity("Network"),
    projects: (r, _, ctx) => ctx.items.projectsOfNetwork.load(r.id),
    // Whole index rows, not references: the catalogue answers their summary fields itself.
    linkedNetworks: async (r, _, ctx) =>
      (await ctx.items.byId.loadMany(r.linkedIds)).filter(
        (x): x is ItemRow => !!x && !(x instanceof Error) && x.typename === "Network",
      ),
  },
  Project: {
    ...entity("Project"),
    similarProjects: similarItems,
    measurePeers: (r, _, ctx) => peers(ctx).load(r.id),
  },
  Organisation: {
    __resolveReference: (ref) => organisation(ref.id),
    region: (o) => (o.region ? { id: o.region } : null),
    partners: async (o, _, ctx) => (await partnerView(ctx)).filter((p) => p.organisation === o.id),
  },
  Partner: {
    organisation: (p) => knownOrganisation(p.organisation),
    region: (p) => (p.region ? { id: p.region } : null),
    status: (p) => partnerStatus(p).status,
    reason: (p) => partnerStatus(p).reason,
    lastHarvest: (p) => isoTime(p.state?.lastHarvest),
    lagSeconds: (p) => (p.state?.lastHarvest ? Math.round((Date.now() - p.state.lastHarvest.getTime()) / 1000) : null),
    itemCount: (p) => p.state?.itemCount ?? 0,
  },
  Framework: {},
  Condition: {
    __resolveReference: (ref) => condition(ref.id),
    drivers: (c) => driversOfCondition(c.id),
  },
  Driver: {
    __resolveReference: (ref) => driver(ref.id),
    condition: (d) => conditionOfDriver(d),
  },
  Topic: { __resolveReference: (ref) => vocabularyEntry("Topic", ref.id) },
  Setting: { __resolveReference: (ref) => vocabularyEntry("Setting", ref.id) },
  Region: {
    __resolveReference: (ref) => vocabularyEntry("Region", ref.id),
    name: (r) => r.name ?? vocabularyEntry("Region", r.id)?.name ?? r.id,
  },
};

// What the catalogue asks each partner kind for, and how a feed node becomes an index row. The
// queries use only fields of the kind contracts (schema/<kind>.graphql), so any partner that
// serves its contract can be harvested.
import type { PartnerKind } from "../../../schema/kinds.ts";
import type { Partner } from "../../../lib/registry/registry.ts";
import type { IndexedItem } from "../data/items.ts";
import { facetsOf } from "./facets.ts";
import type { MeasureSummaryInput } from "../data/items.ts";
import type * as Resources from "../generated/harvest/resources.ts";
import type * as Networks from "../generated/harvest/networks.ts";
import type * as Projects from "../generated/harvest/projects.ts";

// What the partners answer the catalogue's queries (below), as graphql-codegen derives it from each
// kind's contract (scripts/codegen.ts): a query that asks for a field its contract lacks fails the
// generation, and a field read here that the query does not ask for fails the type check.
type ResourcesFeed = Resources.HarvestQuery["resourceFeed"];
type NetworksFeed = Networks.HarvestQuery["networkFeed"];
type ProjectsFeed = Projects.HarvestQuery["projectFeed"];
type NodeOf<Page extends { entries: readonly { node: unknown }[] }> = NonNullable<Page["entries"][number]["node"]>;
type ResourceNode = NodeOf<ResourcesFeed>;
type NetworkNode = NodeOf<NetworksFeed>;
type ProjectNode = NodeOf<ProjectsFeed>;
type FeedMeasure = NonNullable<ProjectNode["measures"]>[number];

/** One item as a partner of any kind answers the harvest (its feed) or reconciliation (`_entities`). */
export type Node = ResourceNode | NetworkNode | ProjectNode;

/** The summaries of a project's measures that carry a library code (the others are not comparable). */
export function measureSummaries(measures: readonly FeedMeasure[] | null | undefined): MeasureSummaryInput[] {
  return (measures ?? []).flatMap((m, position) => {
    if (!m.code) return [];
    const phase = m.spc?.phases?.at(-1);
    return [
      {
        measureId: m.id,
        position,
        code: m.code,
        name: m.name,
        unit: m.unit,
        improvement: m.improvement,
        target: m.target ?? null,
        illustrative: m.illustrative,
        pointCount: m.pointCount ?? 0,
        latestDate: m.latestPoint?.date ?? null,
        latestValue: m.latestPoint?.value ?? null,
        status: m.spc?.status ?? "NEEDS_MORE_POINTS",
        variation: m.spc?.variation ?? null,
        assurance: m.spc?.assurance ?? null,
        iconReason: m.spc?.iconReason ?? null,
        mean: phase?.mean ?? null,
        upperLimit: phase?.upperProcessLimit ?? null,
        lowerLimit: phase?.lowerProcessLimit ?? null,
        rateNumerator: m.rate?.numerator ?? null,
        rateDenominator: m.rate?.denominator ?? null,
        ratePoints: m.rate?.points ?? null,
        rateFrom: m.rate?.from ?? null,
        rateTo: m.rate?.to ?? null,
      },
    ];
  });
}

// A measure's summary for the national comparison: the current (last) phase's icons and limits, the
// latest point and the count, and the rate over the latest points with numerators and denominators
// (for the funnel plot), so that the catalogue never needs the points themselves.
const MEASURE_FIELDS =
  "id name code unit improvement target illustrative pointCount latestPoint { date value } rate { numerator denominator points from to } spc { status variation assurance iconReason phases { mean upperProcessLimit lowerProcessLimit } }";

const SHARED = "id title summary organisation { id } topics { id } settings { id } drivers { id } updatedAt";

/**
 * One entry of a kind's change feed: an upsert carries the node, a removal only the id. The version
 * is null for a removal, and absent from a partner that predates versions.
 */
export type FeedEntry = Omit<(ResourcesFeed | NetworksFeed | ProjectsFeed)["entries"][number], "node"> & {
  node: Node | null;
};
/** One page of a kind's change feed (schema/<kind>.graphql, <Type>ChangePage): every kind's page is one. */
export type FeedPage = Omit<ResourcesFeed, "entries"> & { entries: readonly FeedEntry[] };

const changeQuery = (field: string, node: string) =>
  `query Harvest($after: String, $first: Int) { ${field}(after: $after, first: $first) { endCursor hasNextPage remaining entries { id changedAt removed version node { ${node} } } } }`;

/** What the index needs of one item of each kind (and its type in the kind's contract). */
export const NODE_FIELDS: Record<PartnerKind, { typename: string; fields: string }> = {
  resources: { typename: "Resource", fields: `${SHARED} kind body audience publisher { id } licence` },
  networks: {
    typename: "Network",
    fields: `${SHARED} type region { id } howToJoin meets linkedNetworkIds members(first: 200) { role expertise }`,
  },
  projects: {
    typename: "Project",
    fields: `${SHARED} aim status region { id } network { id } resources { id } outcomes learning { text } measures { ${MEASURE_FIELDS} } evaluation { summary }`,
  },
};

export const FEED_QUERY: Record<PartnerKind, { field: string; query: string }> = {
  resources: { field: "resourceFeed", query: changeQuery("resourceFeed", NODE_FIELDS.resources.fields) },
  networks: { field: "networkFeed", query: changeQuery("networkFeed", NODE_FIELDS.networks.fields) },
  projects: { field: "projectFeed", query: changeQuery("projectFeed", NODE_FIELDS.projects.fields) },
};

/** One page of a kind's version listing (schema/<kind>.graphql, <Type>VersionPage). */
export type VersionPage =
  | Resources.VersionsQuery["resourceVersions"]
  | Networks.VersionsQuery["networkVersions"]
  | Projects.VersionsQuery["projectVersions"];

const versionsQuery = (field: string) =>
  `query Versions($after: String, $first: Int) { ${field}(after: $after, first: $first) { endCursor hasNextPage entries { id version } } }`;

export const VERSIONS_QUERY: Record<PartnerKind, { field: string; query: string }> = {
  resources: { field: "resourceVersions", query: versionsQuery("resourceVersions") },
  networks: { field: "networkVersions", query: versionsQuery("networkVersions") },
  projects: { field: "projectVersions", query: versionsQuery("projectVersions") },
};

/** The documents the catalogue sends a partner of this kind (scripts/codegen.ts types their results). */
export function harvestDocuments(kind: PartnerKind): string[] {
  return [FEED_QUERY[kind].query, VERSIONS_QUERY[kind].query, entitiesQuery(kind)];
}

/** Items by id, as the index needs them, read from their owner in one request (federation's `_entities`). */
export function entitiesQuery(kind: PartnerKind): string {
  const { typename, fields } = NODE_FIELDS[kind];
  return `query Items($representations: [_Any!]!) { _entities(representations: $representations) { ... on ${typename} { ${fields} } } }`;
}

const ids = (refs: readonly ({ id: string } | null)[] | null | undefined) =>
  (refs ?? []).flatMap((r) => (r?.id ? [r.id] : []));
const text = (...parts: unknown[]) =>
  parts
    .flat(3)
    .filter((p): p is string => typeof p === "string" && p.length > 0)
    .join("\n");

export function toIndexedItem(
  kind: PartnerKind,
  partner: Partner,
  node: Node,
  version: string | null = null,
): IndexedItem {
  const item = toItemWithoutFacets(kind, partner, node);
  return { ...item, facets: facetsOf(item, item.facets), version };
}

function toItemWithoutFacets(kind: PartnerKind, partner: Partner, node: Node): IndexedItem {
  const base = {
    id: node.id,
    partnerId: partner.id,
    // The registry says which organisation runs a partner; an item cannot claim another one.
    organisationId: partner.organisation,
    title: node.title,
    summary: node.summary ?? null,
    topics: ids(node.topics),
    settings: ids(node.settings),
    drivers: ids(node.drivers),
    updatedAt: node.updatedAt ?? new Date().toISOString(),
  };
  // A partner serves its own kind's contract (the catalogue harvests only partners whose schema
  // check passed), so a node from a partner of kind K is K's node.
  switch (kind) {
    case "resources": {
      const n = node as ResourceNode;
      return {
        ...base,
        typename: "Resource",
        body: text(n.body),
        regionId: partner.region,
        facets: [`resourceKind:${n.kind}`],
        licence: n.licence ?? null,
        networkId: null,
        resourceIds: [],
        linkedIds: [],
      };
    }
    case "networks": {
      const n = node as NetworkNode;
      const members = n.members ?? [];
      return {
        ...base,
        typename: "Network",
        body: text(
          n.howToJoin,
          n.meets,
          members.map((m) => [m.role, m.expertise]),
        ),
        regionId: n.region?.id ?? partner.region,
        facets: [`networkType:${n.type}`],
        networkId: null,
        resourceIds: [],
        linkedIds: [...(n.linkedNetworkIds ?? [])],
      };
    }
    case "projects": {
      const n = node as ProjectNode;
      return {
        ...base,
        typename: "Project",
        body: text(
          n.aim,
          n.outcomes ?? [],
          (n.learning ?? []).map((l) => l.text),
          (n.measures ?? []).map((m) => m.name),
          n.evaluation?.summary,
        ),
        regionId: n.region?.id ?? partner.region,
        // The Making Data Count variation of each analysable measure: how a national body finds
        // "projects showing improvement" across partners with one filter.
        facets: [
          `projectStatus:${n.status}`,
          ...(n.measures ?? [])
            .filter((m) => m.spc?.status === "OK" && m.spc.variation)
            .map((m) => `variation:${m.spc!.variation}`),
        ],
        networkId: n.network?.id ?? null,
        resourceIds: ids(n.resources),
        linkedIds: [],
        measures: measureSummaries(n.measures),
      };
    }
  }
}

// The facet values an indexed item carries, as "dimension:value" strings in Item.facets. Search
// filters and facet counts both read this one column. A new dimension is a value computed here, an
// entry of FACET_DIMENSIONS, a FacetDimension value and a SearchFilter field in
// schema/catalogue.graphql, and its validation in data/search.ts (tests/unit/facets.test.ts checks
// that these agree).
import { DRIVERS, VOCABULARY } from "../../../schema/vocabulary.ts";
import { ENTITY_OF_KIND, kindOfTypename } from "../../../schema/kinds.ts";
import organisationsFile from "../../../schema/organisations.json" with { type: "json" };
import type { IndexedItem } from "../data/items.ts";

type FacetInput = Omit<IndexedItem, "facets">;

/**
 * Every facet dimension the API exposes (enum FacetDimension in schema/catalogue.graphql), in the
 * order search returns them: the prefix its values carry in Item.facets, and the SearchFilter
 * field that selects among them.
 */
export const FACET_DIMENSIONS = [
  { dimension: "KIND", prefix: "kind", filter: "kinds" },
  { dimension: "ORGANISATION", prefix: "organisation", filter: "organisations" },
  { dimension: "CONDITION", prefix: "condition", filter: "conditions" },
  { dimension: "DRIVER", prefix: "driver", filter: "drivers" },
  { dimension: "TOPIC", prefix: "topic", filter: "topics" },
  { dimension: "SETTING", prefix: "setting", filter: "settings" },
  { dimension: "REGION", prefix: "region", filter: "regions" },
  { dimension: "RESOURCE_KIND", prefix: "resourceKind", filter: "resourceKinds" },
  { dimension: "PROJECT_STATUS", prefix: "projectStatus", filter: "projectStatuses" },
  { dimension: "MEASURE_VARIATION", prefix: "variation", filter: "variations" },
] as const;

export type FacetDimension = (typeof FACET_DIMENSIONS)[number]["dimension"];
export type FacetFilterField = (typeof FACET_DIMENSIONS)[number]["filter"];

const CONDITION_OF_DRIVER = new Map<string, string>(DRIVERS.map((d) => [d.id, d.condition]));

/** "topic" + "falls" → "topic:falls". */
export const facet = (prefix: string, value: string) => `${prefix}:${value}`;

/**
 * The facet strings of one item: its kind, organisation, drivers and the conditions they belong
 * to, topics, settings and region, plus the kind-specific values the feed gives
 * ("resourceKind:GUIDE", "networkType:…", "projectStatus:ACTIVE"). Sorted and without duplicates,
 * so that the same item always gets the same array.
 */
export function facetsOf(item: FacetInput, kindSpecific: string[]): string[] {
  const out = new Set<string>();
  const kind = kindOfTypename(item.typename);
  if (kind) out.add(facet("kind", ENTITY_OF_KIND[kind].itemKind));
  out.add(facet("organisation", item.organisationId));
  for (const d of item.drivers) {
    out.add(facet("driver", d));
    const condition = CONDITION_OF_DRIVER.get(d);
    if (condition) out.add(facet("condition", condition));
  }
  for (const t of item.topics) out.add(facet("topic", t));
  for (const s of item.settings) out.add(facet("setting", s));
  if (item.regionId) out.add(facet("region", item.regionId));
  // A feed that omits a kind-specific field gives "resourceKind:null" or "…:undefined": not a value.
  for (const k of kindSpecific) if (/^[A-Za-z]+:(?!null$|undefined$).+$/.test(k)) out.add(k);
  return [...out].sort();
}

const ORGANISATION_NAMES = new Map(organisationsFile.organisations.map((o) => [o.id, o.name]));
const VOCABULARY_NAMES: Partial<Record<FacetDimension, Map<string, string>>> = {
  CONDITION: new Map(VOCABULARY.Condition.map((x) => [x.id, x.name])),
  DRIVER: new Map(VOCABULARY.Driver.map((x) => [x.id, x.name])),
  TOPIC: new Map(VOCABULARY.Topic.map((x) => [x.id, x.name])),
  SETTING: new Map(VOCABULARY.Setting.map((x) => [x.id, x.name])),
  REGION: new Map(VOCABULARY.Region.map((x) => [x.id, x.name])),
};

/**
 * What a facet value is called: the vocabulary name for framework, topic, setting and region ids,
 * the directory name for organisations, the enum value itself for kinds and statuses.
 */
export function facetLabel(dimension: FacetDimension, value: string): string {
  if (dimension === "ORGANISATION") return ORGANISATION_NAMES.get(value) ?? value;
  return VOCABULARY_NAMES[dimension]?.get(value) ?? value;
}

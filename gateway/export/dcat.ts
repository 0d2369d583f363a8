// The national catalogue's resources as DCAT-AP 3 (https://semiceu.github.io/DCAT-AP/releases/3.0.0/):
// a dcat:Catalog whose datasets are the published resources, each with dct:title, dct:description,
// dct:publisher (its organisation, a foaf:Agent with foaf:name), dcat:keyword (its topics),
// dcat:theme (the framework conditions its drivers serve, skos:Concepts), dct:license,
// dcat:landingPage and dct:modified. One page of the catalogue's search per answer.
import { licenceIri } from "../../schema/licences.ts";
import type { Registry } from "../../lib/registry/registry.ts";
import { mergeNodes, urlIri, type RdfNode, type Term } from "./rdf.ts";

/** The GraphQL read of one page: the index's search for resources, their live fields from their owners. */
export const CATALOGUE_PAGE_QUERY = `query ExportCatalogue($first: Int!, $after: String, $owner: ID!) {
  owner: organisation(id: $owner) { id name }
  search(filter: { kinds: [RESOURCE] }, sort: TITLE, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id title summary lastSeen organisation { id name } partner { id }
      ... on Resource { body url licence updatedAt topics { id name } drivers { condition { id name } } } } }
  }
}`;

interface OrganisationRef {
  id: string;
  name: string;
}
export interface CatalogueResource {
  id: string;
  title: string;
  summary: string | null;
  lastSeen: string | null;
  organisation: OrganisationRef;
  partner: { id: string };
  body?: string | null;
  url?: string | null;
  licence?: string | null;
  updatedAt?: string | null;
  topics?: { id: string; name: string }[] | null;
  drivers?: { condition: { id: string; name: string } }[] | null;
}
export interface CataloguePage {
  owner: OrganisationRef | null;
  search: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: { node: CatalogueResource }[];
  };
}

/** Where an export's identifiers live: `<base>/export/items/<id>.jsonld` dereferences to the item's schema.org JSON-LD. */
export const itemIri = (base: string, id: string) => `${base}/export/items/${id}.jsonld`;
export const themeIri = (base: string, conditionId: string) => `${base}/export/framework#${conditionId}`;
const lit = (value: string, datatype?: string): Term => (datatype ? { value, datatype } : { value });

export function resourceNodes(base: string, r: CatalogueResource): RdfNode[] {
  const publisher: RdfNode = {
    iri: itemIri(base, r.organisation.id),
    types: ["foaf:Agent"],
    props: [["foaf:name", lit(r.organisation.name)]],
  };
  // The licence the owner stated, as the catalogue indexed it (so it is there while the owner is
  // down). Null only for a resource indexed from a partner that states none: then it is left out
  // rather than guessed, as a guess (the partner's default) could contradict the resource's own.
  const licence = r.licence ? licenceIri(r.licence) : undefined;
  const landing = urlIri(r.url) ?? itemIri(base, r.id);
  const themes = new Map((r.drivers ?? []).map((d) => [d.condition.id, d.condition.name]));
  const modified = r.updatedAt ?? r.lastSeen;
  const dataset: RdfNode = {
    iri: itemIri(base, r.id),
    types: ["dcat:Dataset"],
    props: [
      ["dct:identifier", lit(r.id)],
      ["dct:title", lit(r.title)],
      ["dct:description", lit(r.summary ?? r.body ?? r.title)],
      ["dct:publisher", { iri: publisher.iri }],
      ...(r.topics ?? []).map((t): [string, Term] => ["dcat:keyword", lit(t.name)]),
      ...[...themes.keys()].map((id): [string, Term] => ["dcat:theme", { iri: themeIri(base, id) }]),
      ...(licence ? [["dct:license", { iri: licence }] as [string, Term]] : []),
      ["dcat:landingPage", { iri: landing }],
      ...(modified ? [["dct:modified", lit(modified, "xsd:dateTime")] as [string, Term]] : []),
    ],
  };
  return [
    dataset,
    publisher,
    ...(licence ? [{ iri: licence, types: ["dct:LicenseDocument"], props: [] }] : []),
    { iri: landing, types: ["foaf:Document"], props: [] },
    ...[...themes].map(([id, name]): RdfNode => ({
      iri: themeIri(base, id),
      types: ["skos:Concept"],
      props: [
        ["skos:prefLabel", lit(name)],
        ["skos:inScheme", { iri: `${base}/export/framework` }],
      ],
    })),
  ];
}

/** One page of the catalogue: the dcat:Catalog (with this page's datasets) and their nodes. */
export function cataloguePageNodes(base: string, page: CataloguePage, registry: Registry): RdfNode[] {
  const resources = page.search.edges.map((e) => e.node);
  const owner = page.owner ?? { id: registry.catalogue().organisation, name: registry.catalogue().name };
  const publisher: RdfNode = {
    iri: itemIri(base, owner.id),
    types: ["foaf:Agent"],
    props: [["foaf:name", lit(owner.name)]],
  };
  const catalogue: RdfNode = {
    iri: `${base}/export/catalogue`,
    types: ["dcat:Catalog"],
    props: [
      ["dct:title", lit("National catalogue of health and care improvement resources")],
      [
        "dct:description",
        lit(
          "Guides, toolkits, case studies and evidence published by the catalogue's partners, harvested into one national index.",
        ),
      ],
      ["dct:publisher", { iri: publisher.iri }],
      ...resources.map((r): [string, Term] => ["dcat:dataset", { iri: itemIri(base, r.id) }]),
    ],
  };
  return mergeNodes([catalogue, publisher, ...resources.flatMap((r) => resourceNodes(base, r))]);
}

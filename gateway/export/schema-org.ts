// schema.org JSON-LD of one item, as search engines and harvesters read it: a resource is a
// LearningResource, a project a Project, a network or an organisation an Organization. The context
// is inline ({"@vocab": "https://schema.org/"}, url and license as IRIs) so that a JSON-LD processor needs no remote fetch.
import { parseId } from "../../schema/ids.ts";
import { licenceIri } from "../../schema/licences.ts";
import { itemIri } from "./dcat.ts";
import { urlIri } from "./rdf.ts";

const ORG = "id name website region { name }";
export const ITEM_QUERIES = {
  resources: `query ExportResource($id: ID!) { item: resource(id: $id) { id title summary lastSeen partner { id } organisation { ${ORG} }
    ... on Resource { body kind url licence updatedAt publishedOn topics { name } audience } } }`,
  projects: `query ExportProject($id: ID!) { item: project(id: $id) { id title summary lastSeen organisation { ${ORG} }
    ... on Project { aim status startedOn endedOn updatedAt topics { name } } } }`,
  networks: `query ExportNetwork($id: ID!) { item: network(id: $id) { id title summary lastSeen organisation { ${ORG} } } }`,
  organisation: `query ExportOrganisation($id: ID!) { item: organisation(id: $id) { ${ORG} } }`,
} as const;

/** Which query answers an id: a global id names its kind; anything else is an organisation id. */
export function itemQueryOf(id: string): string {
  const parsed = parseId(id);
  return parsed ? ITEM_QUERIES[parsed.kind] : ITEM_QUERIES.organisation;
}

// The answer to one of four documents (ITEM_QUERIES above), each read field by field into JSON-LD and
// each field optional in the output: a type per document would restate those queries here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see the comment above
type Any = Record<string, any>;
const compact = (o: Any): Any =>
  Object.fromEntries(
    Object.entries(o).filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0)),
  );

function organization(base: string, o: Any): Any {
  return compact({
    "@type": "Organization",
    "@id": itemIri(base, o.id),
    identifier: o.id,
    name: o.name,
    url: urlIri(o.website),
    areaServed: o.region?.name,
  });
}

/** The item as schema.org JSON-LD; `item` is the GraphQL answer's `item` for the query itemQueryOf gave. */
export function schemaOrgItem(base: string, id: string, item: Any): Any {
  // url and license are IRIs, as schema.org's own context declares them.
  const context = { "@vocab": "https://schema.org/", url: { "@type": "@id" }, license: { "@type": "@id" } };
  const kind = parseId(id)?.kind;
  if (!kind) return { "@context": context, ...organization(base, item) };
  const common = {
    "@id": itemIri(base, item.id),
    identifier: item.id,
    name: item.title,
    description: item.summary ?? item.body ?? item.aim,
    keywords: (item.topics ?? []).map((t: Any) => t.name),
    dateModified: item.updatedAt ?? item.lastSeen,
  };
  if (kind === "resources") {
    return compact({
      "@context": context,
      "@type": "LearningResource",
      ...common,
      url: urlIri(item.url),
      // null only when the owner could not be read: left out rather than guessed (see dcat.ts).
      license: item.licence ? licenceIri(item.licence) : undefined,
      learningResourceType: item.kind,
      audience: (item.audience ?? []).map((a: string) => ({ "@type": "Audience", audienceType: a })),
      datePublished: item.publishedOn,
      publisher: organization(base, item.organisation),
    });
  }
  if (kind === "projects") {
    return compact({
      "@context": context,
      "@type": "Project",
      ...common,
      foundingDate: item.startedOn,
      dissolutionDate: item.endedOn,
      parentOrganization: organization(base, item.organisation),
    });
  }
  return compact({
    "@context": context,
    "@type": "Organization",
    ...common,
    parentOrganization: organization(base, item.organisation),
  });
}

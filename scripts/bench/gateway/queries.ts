// The gateway bench's scenarios as GraphQL documents: what a client sends to a gateway, and what
// the same client would send to the owning subgraphs directly (the limit). Each direct form asks
// for exactly the fields of the gateway form, so the two answers can be compared as data.
import { formatId } from "../../../schema/ids.ts";

/** The project every single-entity and deep request asks for (owned by the "-a" projects partner). */
export const PROJECT_ID = formatId("bench-proj-a", "projects", "p01");

const PROJECT_PAGE = `id title aim status startedOn
  team { name role }
  measures { name unit improvement points { date value } }
  pdsaCycles { number title plan }`;

/**
 * (a) One entity by id from its owner: a project page, read with `projectFromOwner`, the root field
 * the gateway routes by the id's partner (schema/write-routes.ts), so the gateway adds one hop and
 * nothing else. The same document is sent to the owner directly: the limit.
 */
const SINGLE_QUERY = `query Single($id: ID!) { projectFromOwner(id: $id) { ${PROJECT_PAGE} } }`;
export const SINGLE = {
  gateway: { query: SINGLE_QUERY, variables: { id: PROJECT_ID } },
  direct: { query: SINGLE_QUERY, variables: { id: PROJECT_ID } },
};

/** (a2) The same page through `project(id)`, the catalogue's field: a lookup at the catalogue, then the owner. */
export const SINGLE_VIA_CATALOGUE = {
  query: `query Single($id: ID!) { project(id: $id) { ${PROJECT_PAGE} } }`,
  variables: { id: PROJECT_ID },
};

/** (c) Deep and nested in the style of the public benchmark: catalogue → projects → resources/catalogue → projects → networks. */
export const deepQuery = (id: string) => ({
  query: `query Deep($id: ID!) { project(id: $id) { id title aim
      resources { id title kind url
        projects { id title status
          network { id title type members(first: 10) { name role } } } } } }`,
  variables: { id },
});
export const DEEP = { gateway: deepQuery(PROJECT_ID) };

/** (c2) The same deep query over every project of the "-a" partner (SIZES.projects in data.ts), a different one each request. */
export const DEEP_VARIED = Array.from({ length: 30 }, (_, k) =>
  deepQuery(formatId("bench-proj-a", "projects", `p${String(k).padStart(2, "0")}`)),
);

// (b) A national search page: 20 items sorted by title (the bench data interleaves seven partners),
// each with the details its owner serves live.
const PROJECT_DETAILS = `aim status measures { name points { date value } }`;
const RESOURCE_DETAILS = `kind url publishedOn`;
const NETWORK_DETAILS = `type memberCount members(first: 5) { name }`;

export function pageQuery(first: number) {
  return {
    query: `query Page($first: Int) { search(sort: TITLE, first: $first) { totalCount edges { node { __typename id title
      ... on Project { ${PROJECT_DETAILS} network { id title memberCount } resources { id title kind } }
      ... on Resource { ${RESOURCE_DETAILS} }
      ... on Network { ${NETWORK_DETAILS} } } } } }`,
    variables: { first },
  };
}

/** The same page without a gateway: the catalogue's search, then each owner's details, then the projects' links. */
export const DIRECT_PAGE = {
  search: `query Page($first: Int) { search(sort: TITLE, first: $first) { totalCount edges { node { __typename id title } } } }`,
  details: {
    Project: `query D($r: [_Any!]!) { _entities(representations: $r) { ... on Project { ${PROJECT_DETAILS} network { id } resources { id } } } }`,
    Resource: `query D($r: [_Any!]!) { _entities(representations: $r) { ... on Resource { ${RESOURCE_DETAILS} } } }`,
    Network: `query D($r: [_Any!]!) { _entities(representations: $r) { ... on Network { ${NETWORK_DETAILS} } } }`,
  } as Record<string, string>,
  links: {
    Network: `query L($r: [_Any!]!) { _entities(representations: $r) { ... on Network { title memberCount } } }`,
    Resource: `query L($r: [_Any!]!) { _entities(representations: $r) { ... on Resource { title kind } } }`,
  } as Record<string, string>,
};

/**
 * The project (d) writes to: of a partner no single-URL gateway reads (-c), and titled last in the
 * search order, so no read scenario's expected answer depends on it.
 */
export const WRITE_PROJECT_ID = formatId("bench-proj-c", "projects", "p29");

/** (d) A write mix on one project through our gateway, as an editor of its organisation: three recordMeasurements to one addPdsaCycle. */
export const WRITE_DOCUMENTS = {
  recordMeasurements: `mutation Record($p: ID!, $m: ID!, $points: [DataPointInput!]!, $k: String!) {
    recordMeasurements(projectId: $p, measureId: $m, points: $points, idempotencyKey: $k) { written inserted } }`,
  addPdsaCycle: `mutation Cycle($p: ID!, $input: PdsaCycleInput!, $k: String!) {
    addPdsaCycle(projectId: $p, input: $input, idempotencyKey: $k) { cycle { number title } } }`,
};

/**
 * `count` distinct write requests (each its own idempotency key, so none is a replay): a month's
 * value for one of the project's measures (months 1990–2009 in turn, so a measure's series stays
 * bounded and later writes replace values), and every fourth a new PDSA cycle.
 */
export function writeBodies(
  projectId: string,
  measureIds: string[],
  count: number,
  run = Date.now().toString(36),
): { query: string; variables: Record<string, unknown> }[] {
  return Array.from({ length: count }, (_, i) => {
    const k = `bench-${run}-${i}`;
    if (i % 4 === 3) {
      return {
        query: WRITE_DOCUMENTS.addPdsaCycle,
        variables: {
          p: projectId,
          k,
          input: { title: `Bench cycle ${i}`, plan: "Test one change on one ward for a week" },
        },
      };
    }
    const month = Math.floor(i / measureIds.length) % 240;
    const date = `${1990 + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, "0")}-01`;
    return {
      query: WRITE_DOCUMENTS.recordMeasurements,
      variables: { p: projectId, m: measureIds[i % measureIds.length], k, points: [{ date, value: (i % 17) + 3 }] },
    };
  });
}

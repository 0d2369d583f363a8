// The kinds of knowledge a partner can serve. A kind is the same word everywhere: the folder
// under subgraphs/, the contract file under schema/, the subgraph name in the supergraph, the
// docker-compose service prefix and the `kind` of a registry entry.

export const PARTNER_KINDS = ["resources", "networks", "projects"] as const;
export type PartnerKind = (typeof PARTNER_KINDS)[number];

/** The national catalogue is a kind of its own, run by one national body. */
export const ALL_KINDS = [...PARTNER_KINDS, "catalogue"] as const;
export type Kind = (typeof ALL_KINDS)[number];

/** The entity each partner kind owns: its GraphQL type and the word its global ids use. */
export const ENTITY_OF_KIND = {
  resources: { typename: "Resource", idWord: "resource", itemKind: "RESOURCE" },
  networks: { typename: "Network", idWord: "network", itemKind: "NETWORK" },
  projects: { typename: "Project", idWord: "project", itemKind: "PROJECT" },
} as const satisfies Record<PartnerKind, { typename: string; idWord: string; itemKind: string }>;

export function kindOfIdWord(word: string): PartnerKind | undefined {
  return PARTNER_KINDS.find((k) => ENTITY_OF_KIND[k].idWord === word);
}

export function kindOfTypename(typename: string): PartnerKind | undefined {
  return PARTNER_KINDS.find((k) => ENTITY_OF_KIND[k].typename === typename);
}

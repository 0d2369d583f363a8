// Composes the four kind contracts into the supergraph the gateway boots from. Subgraph names are
// the kind names; their URLs are placeholders, because the gateway routes each kind to its
// partners by owner (gateway/owner-routing-data-source.ts), never to one fixed URL.
import { composeServices } from "@apollo/composition";
import { ALL_KINDS } from "./kinds.ts";
import { contractDocument } from "./contracts.ts";

export const KIND_PLACEHOLDER_URL = (kind: string) => `http://${kind}.kind.invalid/graphql`;

export function composeSupergraph(): { supergraphSdl: string } | { errors: string[] } {
  const result = composeServices(
    ALL_KINDS.map((kind) => ({ name: kind, url: KIND_PLACEHOLDER_URL(kind), typeDefs: contractDocument(kind) })),
  );
  if (result.errors) return { errors: result.errors.map((e) => e.message) };
  return { supergraphSdl: result.supergraphSdl };
}

export const SUPERGRAPH_PATH = new URL("./supergraph.graphql", import.meta.url).pathname;

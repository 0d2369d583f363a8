// Does a partner's schema serve its kind's contract? A partner is compared by what it reports in
// `_service { sdl }`: every change graphql-js classes as breaking, going from the contract to the
// partner's schema (a missing type or field, a changed type, a new required argument...), makes it
// incompatible, and so does an entity whose @key differs (the gateway could not fetch it). Extra
// types and fields are allowed: the supergraph never asks for them. The same comparison, from the
// published contract to the working one, is how CI catches a breaking contract change.
import { buildSubgraphSchema } from "@apollo/subgraph";
import { findBreakingChanges, Kind, parse, print, type DocumentNode } from "graphql";

function entityKeys(doc: DocumentNode): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  for (const def of doc.definitions) {
    if ((def.kind === Kind.OBJECT_TYPE_DEFINITION || def.kind === Kind.OBJECT_TYPE_EXTENSION) && def.directives) {
      const fields = def.directives
        .filter((d) => d.name.value === "key")
        .map((d) => {
          const arg = d.arguments?.find((a) => a.name.value === "fields");
          return arg ? print(arg.value) : "";
        })
        .sort();
      if (fields.length) keys.set(def.name.value, [...(keys.get(def.name.value) ?? []), ...fields]);
    }
  }
  return keys;
}

/** Problems, in words a partner's developer can act on; empty when `candidate` honours `contract`. */
export function contractProblems(contractSdl: string, candidateSdl: string): string[] {
  let contractDoc: DocumentNode;
  let candidateDoc: DocumentNode;
  try {
    contractDoc = parse(contractSdl);
    candidateDoc = parse(candidateSdl);
  } catch (e) {
    return [`schema does not parse: ${(e as Error).message}`];
  }
  let problems: string[];
  try {
    problems = findBreakingChanges(buildSubgraphSchema(contractDoc), buildSubgraphSchema(candidateDoc)).map(
      (c) => c.description,
    );
  } catch (e) {
    return [`schema is not a valid subgraph schema: ${(e as Error).message}`];
  }
  const expected = entityKeys(contractDoc);
  const actual = entityKeys(candidateDoc);
  for (const [type, keys] of expected) {
    const got = actual.get(type) ?? [];
    if (JSON.stringify(got) !== JSON.stringify(keys))
      problems.push(
        `${type} must be an entity with @key(fields: ${keys.join(", ")}), found ${got.length ? got.join(", ") : "no @key"}.`,
      );
  }
  return problems;
}

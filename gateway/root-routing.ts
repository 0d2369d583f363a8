// Picks the one partner a root-field fetch (a mutation, or an owner-only query) goes to, from the
// route table in schema/write-routes.ts: a create to the caller's organisation's partner of the
// kind, anything about an existing item to the partner its id names. Pure: the gateway's data
// source calls it with the fetch the query planner built and the verified identity.
import {
  Kind,
  parse,
  print,
  valueFromASTUntyped,
  visit,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionNode,
} from "graphql";
import { parseId } from "../schema/ids.ts";
import type { PartnerKind } from "../schema/kinds.ts";
import type { Partner, Registry } from "../lib/registry/registry.ts";
import { ROOT_ROUTES } from "../schema/write-routes.ts";
import type { Identity } from "../lib/auth/identity.ts";
import { ErrorCode } from "../lib/errors.ts";

export type RootRouting =
  { partner: Partner } | { error: { message: string; code: string; path?: string[]; partner?: string } };

// The planner sends the same few fetch documents again and again: parse each once.
const parsed = new Map<string, DocumentNode>();
function documentOf(query: string): DocumentNode {
  let doc = parsed.get(query);
  if (!doc) {
    doc = parse(query);
    if (parsed.size >= 1000) parsed.clear();
    parsed.set(query, doc);
  }
  return doc;
}

function argumentValue(field: FieldNode, name: string, variables: Record<string, unknown>): unknown {
  const arg = field.arguments?.find((a) => a.name.value === name);
  if (!arg) return undefined;
  return arg.value.kind === Kind.VARIABLE ? variables[arg.value.name.value] : valueFromASTUntyped(arg.value, variables);
}

function targetOf(
  field: FieldNode,
  kind: PartnerKind,
  identity: Identity,
  registry: Registry,
  variables: Record<string, unknown>,
): RootRouting {
  const name = field.name.value;
  const route = ROOT_ROUTES[name];
  const path = [field.alias?.value ?? name];
  if (!route || route.kind !== kind)
    return { error: { message: `${name} is not routable to a ${kind} partner`, code: ErrorCode.NOT_ROUTABLE, path } };
  if (route.target.to === "owner") {
    const raw = argumentValue(field, route.target.idArg, variables);
    const id = typeof raw === "string" ? parseId(raw) : undefined;
    if (!id || id.kind !== kind) {
      return {
        error: {
          message: `Invalid ${route.target.idArg}: expected a ${kind} id (<partner>:<word>:<local>)`,
          code: ErrorCode.BAD_USER_INPUT,
          path,
        },
      };
    }
    const partner = registry.get(id.partner);
    if (!partner || partner.kind !== kind || !partner.enabled) {
      return {
        error: {
          message: `No enabled ${kind} partner named "${id.partner}" (id ${String(raw)})`,
          code: ErrorCode.UNKNOWN_PARTNER,
          path,
          partner: id.partner,
        },
      };
    }
    return { partner };
  }
  // A create: the caller's own organisation's partner. Anonymous callers own nothing.
  if (identity.kind !== "user") {
    return {
      error: {
        message: "Sign in to write: send an Authorization: Bearer token",
        code: ErrorCode.UNAUTHENTICATED,
        path,
      },
    };
  }
  const own = registry.ofKind(kind).filter((p) => p.organisation === identity.organisation);
  const chosen = argumentValue(field, route.target.partnerArg, variables);
  if (typeof chosen === "string") {
    const partner = own.find((p) => p.id === chosen);
    if (partner) return { partner };
    return {
      error: {
        message: `${chosen} is not a ${kind} partner of ${identity.organisation}: an organisation writes only to its own partners`,
        code: ErrorCode.FORBIDDEN,
        path,
      },
    };
  }
  if (own.length === 1) return { partner: own[0]! };
  if (own.length === 0) {
    return {
      error: {
        message: `${identity.organisation} runs no enabled ${kind} partner to create this in`,
        code: ErrorCode.FORBIDDEN,
        path,
      },
    };
  }
  return {
    error: {
      message: `${identity.organisation} runs several ${kind} partners (${own.map((p) => p.id).join(", ")}): say which with the ${route.target.partnerArg} argument`,
      code: ErrorCode.BAD_USER_INPUT,
      path,
    },
  };
}

/** The partner every root field of this fetch goes to; one fetch writes to one partner. */
export function routeRootFetch(
  query: string,
  variables: Record<string, unknown>,
  kind: PartnerKind,
  identity: Identity,
  registry: Registry,
): RootRouting {
  const op = documentOf(query).definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const fields = (op?.selectionSet.selections ?? []).filter(
    (s): s is FieldNode => s.kind === Kind.FIELD && s.name.value !== "__typename",
  );
  if (fields.length === 0)
    return { error: { message: `The ${kind} kind has no root field in this request`, code: ErrorCode.NOT_ROUTABLE } };
  let target: Partner | undefined;
  for (const field of fields) {
    const routed = targetOf(field, kind, identity, registry, variables);
    if ("error" in routed) return routed;
    if (target && target.id !== routed.partner.id) {
      return {
        error: {
          message: `One request writes to one partner: ${target.id} and ${routed.partner.id} are both named; send them as separate requests`,
          code: ErrorCode.WRITE_SPANS_PARTNERS,
          path: [field.alias?.value ?? field.name.value],
        },
      };
    }
    target = routed.partner;
  }
  return { partner: target! };
}

/** One partner's share of a read whose root fields name several partners: its own document, and the response keys it answers. */
export interface RootPart {
  partner: Partner;
  query: string;
  /** The variables its document declares. */
  variables: string[];
  keys: string[];
}

/**
 * Where a root fetch goes. A mutation goes to one partner or is refused (routeRootFetch). A read
 * whose fields name several partners (two `resourceFromOwner` of two partners) is split: each
 * partner gets a document with its own fields only, and the answers are merged in the order of the
 * fields. Reads may span partners; the one-partner rule is for writes.
 */
export function planRootFetch(
  query: string,
  variables: Record<string, unknown>,
  kind: PartnerKind,
  identity: Identity,
  registry: Registry,
): RootRouting | { parts: RootPart[]; keys: string[] } {
  const document = documentOf(query);
  const op = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (op?.operation !== "query" || op.selectionSet.selections.some((s) => s.kind !== Kind.FIELD))
    return routeRootFetch(query, variables, kind, identity, registry);
  const groups = new Map<string, { partner: Partner; fields: FieldNode[] }>();
  const typenames: FieldNode[] = [];
  for (const field of op.selectionSet.selections as FieldNode[]) {
    if (field.name.value === "__typename") {
      typenames.push(field);
      continue;
    }
    const routed = targetOf(field, kind, identity, registry, variables);
    if ("error" in routed) return routed;
    const group = groups.get(routed.partner.id);
    if (group) group.fields.push(field);
    else groups.set(routed.partner.id, { partner: routed.partner, fields: [field] });
  }
  if (groups.size === 0)
    return { error: { message: `The ${kind} kind has no root field in this request`, code: ErrorCode.NOT_ROUTABLE } };
  if (groups.size === 1) return { partner: [...groups.values()][0]!.partner };
  const keyOf = (f: FieldNode) => f.alias?.value ?? f.name.value;
  const parts = [...groups.values()].map(({ partner, fields }, i) => {
    const selections = i === 0 ? [...typenames, ...fields] : fields;
    const sub = subDocument(document, op, selections);
    const variables =
      (sub.definitions[0] as OperationDefinitionNode).variableDefinitions?.map((v) => v.variable.name.value) ?? [];
    return { partner, query: print(sub), variables, keys: selections.map(keyOf) };
  });
  return { parts, keys: [...new Set((op.selectionSet.selections as FieldNode[]).map(keyOf))] };
}

/** The operation with only these root fields, and only the variables and fragments they use (unused ones are invalid GraphQL). */
function subDocument(
  document: DocumentNode,
  op: OperationDefinitionNode,
  selections: readonly SelectionNode[],
): DocumentNode {
  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((f) => [f.name.value, f]),
  );
  const usedFragments = new Set<string>();
  const usedVariables = new Set<string>();
  const collect = (node: SelectionNode | FragmentDefinitionNode) =>
    visit(node, {
      Variable: (v) => void usedVariables.add(v.name.value),
      FragmentSpread: (f) => {
        if (usedFragments.has(f.name.value)) return;
        usedFragments.add(f.name.value);
        const definition = fragments.get(f.name.value);
        if (definition) collect(definition);
      },
    });
  for (const s of selections) collect(s);
  const operation: OperationDefinitionNode = {
    ...op,
    variableDefinitions: op.variableDefinitions?.filter((v) => usedVariables.has(v.variable.name.value)),
    selectionSet: { ...op.selectionSet, selections },
  };
  return {
    kind: Kind.DOCUMENT,
    definitions: [operation, ...[...fragments.values()].filter((f) => usedFragments.has(f.name.value))],
  };
}

/** Whether a fetch document is a mutation (and so changes what reads and search see). */
export function isMutation(query: string): boolean {
  const op = documentOf(query).definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  return op?.operation === "mutation";
}

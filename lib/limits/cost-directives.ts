// The cost directives a schema declares (IBM's GraphQL Cost Directives specification, as Apollo
// Federation 2.9 defines them: `@cost(weight: Int!)` and `@listSize(assumedSize, slicingArguments,
// sizedFields)`), read from its SDL: a kind's contract (schema/<kind>.graphql, what a partner
// serves) or the composed supergraph (what the gateway serves). Read from the SDL because an API
// schema built from the supergraph drops them. The names follow the schema's @link imports, so a
// contract may import them under other names.
import { Kind, parse, valueFromASTUntyped, type DirectiveNode, type DocumentNode } from "graphql";

export interface FieldCost {
  /** What the field (or a field returning the type) costs, instead of 1. */
  weight?: number;
  /** The size a list is assumed to have when no slicing argument says. */
  assumedSize?: number;
  /** Arguments whose value is the list's size (a number, or a list's length). */
  slicingArguments?: string[];
  /** Child fields (a connection's `edges`) that the size applies to, for a field that is not a list. */
  sizedFields?: string[];
}

/** By `Type.field`, and by `Type` for a weight declared on a type. */
export type CostDirectives = ReadonlyMap<string, FieldCost>;

export const NO_COST_DIRECTIVES: CostDirectives = new Map();

const SPECS = /^https:\/\/specs\.apollo\.dev\/(federation|cost)\/v/;

/** The local names of `@cost` and `@listSize` in this document (from its @link imports). */
function directiveNames(document: DocumentNode): { cost: Set<string>; listSize: Set<string> } {
  const names = { cost: new Set<string>(), listSize: new Set<string>() };
  for (const def of document.definitions) {
    if (def.kind !== Kind.SCHEMA_DEFINITION && def.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const link of def.directives ?? []) {
      if (link.name.value !== "link") continue;
      const args = Object.fromEntries((link.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value)]));
      const spec = typeof args.url === "string" ? SPECS.exec(args.url)?.[1] : undefined;
      if (!spec) continue;
      const prefix = typeof args.as === "string" ? args.as : spec;
      // Not imported: the prefixed name (`@federation__cost`).
      names.cost.add(`${prefix}__cost`);
      names.listSize.add(`${prefix}__listSize`);
      for (const item of Array.isArray(args.import) ? args.import : []) {
        const name = typeof item === "string" ? item : (item as { name?: string })?.name;
        const as = typeof item === "string" ? item : ((item as { as?: string })?.as ?? name);
        if (name === "@cost" && as) names.cost.add(as.slice(1));
        if (name === "@listSize" && as) names.listSize.add(as.slice(1));
      }
    }
    // A supergraph defines @cost without importing it (the cost spec's own name).
  }
  if (document.definitions.some((d) => d.kind === Kind.DIRECTIVE_DEFINITION && d.name.value === "cost"))
    names.cost.add("cost");
  if (document.definitions.some((d) => d.kind === Kind.DIRECTIVE_DEFINITION && d.name.value === "listSize"))
    names.listSize.add("listSize");
  return names;
}

function read(
  directives: readonly DirectiveNode[] | undefined,
  names: ReturnType<typeof directiveNames>,
): FieldCost | undefined {
  let found: FieldCost | undefined;
  for (const d of directives ?? []) {
    const args = Object.fromEntries((d.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value)]));
    if (names.cost.has(d.name.value) && typeof args.weight === "number") found = { ...found, weight: args.weight };
    if (names.listSize.has(d.name.value)) {
      found = { ...found };
      if (typeof args.assumedSize === "number") found.assumedSize = args.assumedSize;
      if (Array.isArray(args.slicingArguments)) found.slicingArguments = args.slicingArguments.map(String);
      if (Array.isArray(args.sizedFields)) found.sizedFields = args.sizedFields.map(String);
    }
  }
  return found;
}

export function costDirectivesOf(sdl: string | DocumentNode): Map<string, FieldCost> {
  const document = typeof sdl === "string" ? parse(sdl) : sdl;
  const names = directiveNames(document);
  const costs = new Map<string, FieldCost>();
  for (const def of document.definitions) {
    if (!("name" in def) || !def.name || !("directives" in def)) continue;
    const type = def.name.value;
    const own = read(def.directives, names);
    if (own?.weight !== undefined) costs.set(type, { weight: own.weight });
    if (!("fields" in def)) continue;
    for (const field of def.fields ?? []) {
      const cost = read(field.directives, names);
      if (cost) costs.set(`${type}.${field.name.value}`, { ...costs.get(`${type}.${field.name.value}`), ...cost });
    }
  }
  return costs;
}

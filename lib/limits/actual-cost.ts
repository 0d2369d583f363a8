// The actual cost of an answer: the estimate's model (./cost.ts) applied to the data a request
// really produced, with real list lengths (the number of points a measure really has, of
// representations really asked for) instead of assumed ones. The estimate is checked before
// anything runs; this is checked before an answer is sent, so that a request the estimate let
// through because its lists looked small never sends a huge answer.
//   - a field that was answered costs its weight (1, or its @cost); a list of objects costs its
//     weight plus the cost of each item; a list of leaves, its weight per item;
//   - a string costs at least its length in units of BYTES_PER_UNIT: a chart's SVG of 5,000 points
//     (1.5 MB) costs ~75,000, not the 6,000 its weight assumes for 200 points;
//   - fields the answer does not hold (null, skipped, another type's fragment) cost nothing more.
import {
  Kind,
  getNamedType,
  isAbstractType,
  isObjectType,
  isInterfaceType,
  type DocumentNode,
  type GraphQLFormattedError,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import { NO_COST_DIRECTIVES, type CostDirectives } from "./cost-directives.ts";
import { fragmentsOf } from "./walk.ts";
import { ErrorCode } from "../errors.ts";

/** One cost unit is about one JSON value of the answer: ~20 bytes. */
export const BYTES_PER_UNIT = 20;

interface Collected {
  name: string;
  parent: GraphQLNamedType | undefined;
  selections: SelectionSetNode[];
}

/** The fields of a selection set by response key, fragments expanded, each with its parent type. */
function collect(
  schema: GraphQLSchema,
  set: readonly SelectionSetNode[],
  parent: GraphQLNamedType | undefined,
  fragments: Map<string, FragmentDefinitionNode>,
  into = new Map<string, Collected>(),
  seen = new Set<string>(),
): Map<string, Collected> {
  for (const selections of set) {
    for (const s of selections.selections) {
      if (s.kind === Kind.FIELD) {
        const key = s.alias?.value ?? s.name.value;
        const entry = into.get(key) ?? { name: s.name.value, parent, selections: [] };
        if (s.selectionSet) entry.selections.push(s.selectionSet);
        into.set(key, entry);
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        collect(
          schema,
          [s.selectionSet],
          s.typeCondition ? (schema.getType(s.typeCondition.name.value) ?? parent) : parent,
          fragments,
          into,
          seen,
        );
      } else {
        const def = fragments.get(s.name.value);
        // A fragment spread twice in one selection set adds nothing the first did not.
        if (!def || seen.has(def.name.value)) continue;
        seen.add(def.name.value);
        collect(
          schema,
          [def.selectionSet],
          schema.getType(def.typeCondition.name.value) ?? parent,
          fragments,
          into,
          seen,
        );
        seen.delete(def.name.value);
      }
    }
  }
  return into;
}

/** A collected field with what it costs, worked out once per selection and type. */
interface Priced {
  key: string;
  weight: number;
  leaf: boolean;
  selections: SelectionSetNode[];
  type: GraphQLNamedType | undefined;
}

export function resultCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  data: unknown,
  directives: CostDirectives = NO_COST_DIRECTIVES,
): number {
  const fragments = fragmentsOf(document);
  // Collected once per selection and type, not once per object: a list of 10,000 points is
  // walked with one collection of its fields.
  const memo = new WeakMap<SelectionSetNode[], Map<string | undefined, Priced[]>>();
  const collected = (sets: SelectionSetNode[], type: GraphQLNamedType | undefined): Priced[] => {
    let byType = memo.get(sets);
    if (!byType) memo.set(sets, (byType = new Map()));
    let fields = byType.get(type?.name);
    if (!fields) {
      fields = [];
      for (const [key, field] of collect(schema, sets, type, fragments)) {
        if (field.name === "__typename") continue;
        const parent = field.parent;
        const def =
          parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[field.name] : undefined;
        const named = def ? getNamedType(def.type) : undefined;
        const weight =
          (parent ? directives.get(`${parent.name}.${field.name}`)?.weight : undefined) ??
          (named ? directives.get(named.name)?.weight : undefined) ??
          1;
        fields.push({ key, weight, leaf: field.selections.length === 0, selections: field.selections, type: named });
      }
      byType.set(type?.name, fields);
    }
    return fields;
  };
  const leafCost = (value: unknown, weight: number): number => {
    if (value == null) return weight;
    if (Array.isArray(value)) return value.reduce<number>((n, v) => n + leafCost(v, weight), 0);
    return typeof value === "string" ? Math.max(weight, Math.ceil(value.length / BYTES_PER_UNIT)) : weight;
  };
  const objectCost = (value: unknown, sets: SelectionSetNode[], type: GraphQLNamedType | undefined): number => {
    if (value == null || typeof value !== "object") return 0;
    if (Array.isArray(value)) return value.reduce<number>((n, v) => n + objectCost(v, sets, type), 0);
    const record = value as Record<string, unknown>;
    // An abstract type's object says what it is when the query asked (`__typename`, which the
    // planner adds to every entity fetch); otherwise each field is read on its fragment's type.
    const typename = record.__typename;
    const concrete =
      typeof typename === "string" && type && isAbstractType(type) ? (schema.getType(typename) ?? type) : type;
    let total = 0;
    for (const field of collected(sets, concrete)) {
      const v = record[field.key];
      if (v === undefined) continue;
      total += field.leaf ? leafCost(v, field.weight) : field.weight + objectCost(v, field.selections, field.type);
    }
    return total;
  };
  const root =
    operation.operation === "query"
      ? schema.getQueryType()
      : operation.operation === "mutation"
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  return objectCost(data, [operation.selectionSet], root ?? undefined);
}

/** The answer sent instead of one whose actual cost is over `limit` (HTTP 400: the request asked for it). */
export function actualCostAnswer(actual: number, limit: number): { errors: GraphQLFormattedError[] } {
  return {
    errors: [
      {
        message: `The answer's actual cost ${actual} (with real list lengths and sizes) is over the limit of ${limit}: ask for fewer items, fewer points or fewer charts per request`,
        extensions: { code: ErrorCode.ACTUAL_COST_TOO_HIGH, limit, actual },
      },
    ],
  };
}

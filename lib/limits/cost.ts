// Query cost: what an operation asks the partners to produce, computed before anything runs.
//   - every field costs 1, or the weight its schema declares with `@cost` (on the field, else on
//     its type); `__typename` is free: the planner adds it everywhere, nothing resolves it;
//   - a field returning a list multiplies its selection by the list's size: the value of one of
//     its `@listSize(slicingArguments:)` (a number, or the length of a list: `_entities`'s
//     representations), else its `@listSize(assumedSize:)`, else its `first`/`last`/`limit`
//     argument (a literal, or the request's variable), else that argument's schema default
//     (search: 20, members: 50), else `defaultListSize`;
//   - a field with `@listSize(sizedFields:)` (or of a type named `...Connection`: `edges`, `nodes`)
//     takes its size as above and applies it to those child fields;
//   - fragments are expanded (each measured once), and every fragment on a different type is added:
//     an upper bound, as a node can only be one of them.
// cost(leaf) = weight; cost(field) = weight + size × Σ cost(selection).
// The directives are read from the SDL (./cost-directives.ts): the supergraph at the gateway, the
// kind's contract at a partner, so both price a field alike.
import {
  Kind,
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  valueFromASTUntyped,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
  isObjectType,
  isInterfaceType,
} from "graphql";
import { ErrorCode } from "../errors.ts";
import { limitError } from "./errors.ts";
import { fragmentsOf } from "./walk.ts";
import { NO_COST_DIRECTIVES, type CostDirectives, type FieldCost } from "./cost-directives.ts";

export const PAGE_ARGUMENTS = ["first", "last", "limit"] as const;

export interface CostOptions {
  defaultListSize: number;
  /** The request's variables (raw JSON); absent in a document-only check. */
  variables?: Record<string, unknown> | null;
  /** `@cost` and `@listSize` of the schema's fields (./cost-directives.ts); none: every field costs 1. */
  directives?: CostDirectives;
}

/** The value an argument will have: literal, the request's variable, or the variable's default. */
function argumentValue(
  field: FieldNode,
  name: string,
  op: OperationDefinitionNode | undefined,
  variables: Record<string, unknown> | null | undefined,
): { value: unknown } | undefined {
  const arg = field.arguments?.find((a) => a.name.value === name);
  if (!arg) return undefined;
  if (arg.value.kind !== Kind.VARIABLE) return { value: valueFromASTUntyped(arg.value) };
  const variable = arg.value.name.value;
  if (variables && variable in variables) return { value: variables[variable] };
  const declared = op?.variableDefinitions?.find((v) => v.variable.name.value === variable)?.defaultValue;
  return { value: declared ? valueFromASTUntyped(declared) : undefined };
}

/** The size a `@listSize(slicingArguments:)` gives: the first such argument present (a list counts its items). */
function slicedSize(
  field: FieldNode,
  declared: FieldCost | undefined,
  op: OperationDefinitionNode | undefined,
  variables: Record<string, unknown> | null | undefined,
): unknown {
  for (const name of declared?.slicingArguments ?? []) {
    const given = argumentValue(field, name, op, variables);
    if (given && given.value != null) return Array.isArray(given.value) ? given.value.length : given.value;
  }
  return declared?.assumedSize;
}

/** The value a field's page argument will have: literal, variable, variable default, schema default. */
export function pageArgument(
  field: FieldNode,
  def: GraphQLField<unknown, unknown> | undefined,
  op: OperationDefinitionNode | undefined,
  variables: Record<string, unknown> | null | undefined,
): { name: string; value: unknown } | undefined {
  for (const name of PAGE_ARGUMENTS) {
    const given = argumentValue(field, name, op, variables);
    if (given) return { name, value: given.value };
    const schemaDefault = def?.args.find((a) => a.name === name)?.defaultValue;
    if (schemaDefault !== undefined) return { name, value: schemaDefault };
  }
  return undefined;
}

function fieldDef(
  schema: GraphQLSchema,
  parent: GraphQLNamedType | undefined,
  field: FieldNode,
): GraphQLField<unknown, unknown> | undefined {
  const name = field.name.value;
  if (parent === schema.getQueryType()) {
    if (name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
    if (name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
  }
  return parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[name] : undefined;
}

export function operationCost(
  schema: GraphQLSchema,
  op: OperationDefinitionNode,
  fragments: Map<string, FragmentDefinitionNode>,
  options: CostOptions,
): number {
  const memo = new Map<string, number>();
  const active = new Set<string>();
  const directives = options.directives ?? NO_COST_DIRECTIVES;
  const size = (value: unknown) =>
    typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : options.defaultListSize;
  const walk = (
    set: SelectionSetNode | undefined,
    parent: GraphQLNamedType | undefined,
    pageSize: { size: number; fields: readonly string[] } | undefined,
  ): number => {
    let total = 0;
    for (const s of set?.selections ?? []) {
      if (s.kind === Kind.FIELD) {
        if (s.name.value === "__typename") continue;
        const def = fieldDef(schema, parent, s);
        const type = def ? getNamedType(def.type) : undefined;
        const declared = parent ? directives.get(`${parent.name}.${s.name.value}`) : undefined;
        const weight = declared?.weight ?? (type ? directives.get(type.name)?.weight : undefined) ?? 1;
        const isList = def ? isListType(getNullableType(def.type)) : false;
        // Its size: a slicing argument or assumed size it declares, else its page argument.
        const ownSize = () =>
          size(slicedSize(s, declared, op, options.variables) ?? pageArgument(s, def, op, options.variables)?.value);
        if (!s.selectionSet || (type && !isCompositeType(type))) {
          total += declared?.assumedSize !== undefined || declared?.slicingArguments ? weight * ownSize() : weight;
          continue;
        }
        const sizedFields =
          declared?.sizedFields ?? (type?.name.endsWith("Connection") ? ["edges", "nodes"] : undefined);
        // A connection's page size sizes its edges/nodes; a plain list is sized by its own argument.
        let multiplier = 1;
        if (isList)
          multiplier = pageSize !== undefined && pageSize.fields.includes(s.name.value) ? pageSize.size : ownSize();
        const inner = walk(s.selectionSet, type, sizedFields ? { size: ownSize(), fields: sizedFields } : undefined);
        total += weight + multiplier * inner;
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        const type = s.typeCondition ? schema.getType(s.typeCondition.name.value) : parent;
        total += walk(s.selectionSet, type, pageSize);
      } else {
        const name = s.name.value;
        const key = `${name}\n${pageSize ? `${pageSize.size}:${pageSize.fields.join(",")}` : ""}`;
        let value = memo.get(key);
        if (value === undefined) {
          const def = fragments.get(name);
          if (!def || active.has(name)) value = 0;
          else {
            active.add(name);
            value = walk(def.selectionSet, schema.getType(def.typeCondition.name.value), pageSize);
            active.delete(name);
            memo.set(key, value);
          }
        }
        total += value;
      }
    }
    return total;
  };
  const root =
    op.operation === "query"
      ? schema.getQueryType()
      : op.operation === "mutation"
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  return walk(op.selectionSet, root ?? undefined, undefined);
}

/**
 * Rejects an operation whose cost is over `limit`. With `variables` (the gateway checks each request
 * once its operation is resolved, see ./plugin.ts) a `first: $n` costs what `$n` asks for.
 */
export function maxCostRule(limit: number, options: CostOptions): ValidationRule {
  return (context: ValidationContext) => {
    const fragments = fragmentsOf(context.getDocument());
    return {
      OperationDefinition(op) {
        const actual = operationCost(context.getSchema(), op, fragments, options);
        if (actual > limit) {
          context.reportError(
            limitError(
              ErrorCode.QUERY_TOO_COMPLEX,
              `Query cost ${actual} is over the limit of ${limit} (each field costs 1 or its declared @cost, such as a chart's; a list multiplies its selection by its first/limit, its declared @listSize or ${options.defaultListSize}): ask for smaller pages, fewer nested lists or fewer heavy fields`,
              limit,
              actual,
              op,
            ),
          );
        }
        return false;
      },
    };
  };
}

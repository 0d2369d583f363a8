// Query cost: what an operation asks the partners to produce, computed before anything runs.
//   - every field costs 1 (`__typename` is free: the planner adds it everywhere, nothing resolves it);
//   - a field returning a list of objects multiplies its selection by the list's size: its
//     `first`/`last`/`limit` argument (a literal, or the request's variable), else that argument's
//     schema default (search: 20, members: 50), else `defaultListSize`;
//   - a connection (a type named `...Connection`) takes its page size from its own field's argument
//     and applies it to its `edges`/`nodes`;
//   - fragments are expanded (each measured once), and every fragment on a different type is added:
//     an upper bound, as a node can only be one of them.
// cost(leaf) = 1; cost(field) = 1 + size × Σ cost(selection).
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
import { ErrorCode } from "../../lib/errors.ts";
import { limitError } from "./errors.ts";
import { fragmentsOf } from "./walk.ts";

export const PAGE_ARGUMENTS = ["first", "last", "limit"] as const;

export interface CostOptions {
  defaultListSize: number;
  /** The request's variables (raw JSON); absent in a document-only check. */
  variables?: Record<string, unknown> | null;
}

/** The value a field's page argument will have: literal, variable, variable default, schema default. */
export function pageArgument(
  field: FieldNode,
  def: GraphQLField<unknown, unknown> | undefined,
  op: OperationDefinitionNode | undefined,
  variables: Record<string, unknown> | null | undefined,
): { name: string; value: unknown } | undefined {
  for (const name of PAGE_ARGUMENTS) {
    const arg = field.arguments?.find((a) => a.name.value === name);
    if (arg) {
      if (arg.value.kind === Kind.VARIABLE) {
        const variable = arg.value.name.value;
        if (variables && variable in variables) return { name, value: variables[variable] };
        const declared = op?.variableDefinitions?.find((v) => v.variable.name.value === variable)?.defaultValue;
        return declared ? { name, value: valueFromASTUntyped(declared) } : { name, value: undefined };
      }
      return { name, value: valueFromASTUntyped(arg.value) };
    }
    const schemaDefault = def?.args.find((a) => a.name === name)?.defaultValue;
    if (schemaDefault !== undefined) return { name, value: schemaDefault };
  }
  return undefined;
}

function fieldDef(schema: GraphQLSchema, parent: GraphQLNamedType | undefined, field: FieldNode): GraphQLField<unknown, unknown> | undefined {
  const name = field.name.value;
  if (parent === schema.getQueryType()) {
    if (name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
    if (name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
  }
  return parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[name] : undefined;
}

export function operationCost(schema: GraphQLSchema, op: OperationDefinitionNode, fragments: Map<string, FragmentDefinitionNode>, options: CostOptions): number {
  const memo = new Map<string, number>();
  const active = new Set<string>();
  const size = (value: unknown) => (typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : options.defaultListSize);
  const walk = (set: SelectionSetNode | undefined, parent: GraphQLNamedType | undefined, pageSize: number | undefined): number => {
    let total = 0;
    for (const s of set?.selections ?? []) {
      if (s.kind === Kind.FIELD) {
        if (s.name.value === "__typename") continue;
        const def = fieldDef(schema, parent, s);
        const type = def ? getNamedType(def.type) : undefined;
        if (!s.selectionSet || (type && !isCompositeType(type))) {
          total += 1;
          continue;
        }
        const page = pageArgument(s, def, op, options.variables);
        const isList = def ? isListType(getNullableType(def.type)) : false;
        const isConnection = !!type && type.name.endsWith("Connection");
        // A connection's page size sizes its edges/nodes; a plain list is sized by its own argument.
        let multiplier = 1;
        if (isList) multiplier = pageSize !== undefined && (s.name.value === "edges" || s.name.value === "nodes") ? pageSize : size(page?.value);
        const inner = walk(s.selectionSet, type, isConnection ? size(page?.value) : undefined);
        total += 1 + multiplier * inner;
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        const type = s.typeCondition ? schema.getType(s.typeCondition.name.value) : parent;
        total += walk(s.selectionSet, type, pageSize);
      } else {
        const name = s.name.value;
        const key = `${name}\n${pageSize ?? ""}`;
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
  const root = op.operation === "query" ? schema.getQueryType() : op.operation === "mutation" ? schema.getMutationType() : schema.getSubscriptionType();
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
              `Query cost ${actual} is over the limit of ${limit} (each field costs 1; a list multiplies its selection by its first/limit or ${options.defaultListSize}): ask for smaller pages or fewer nested lists`,
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


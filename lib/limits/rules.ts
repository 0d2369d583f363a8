// The structural limits, as graphql-js validation rules: depth, aliases, root fields and directives
// of each operation, measured with fragments expanded (./walk.ts). They depend on the document only,
// so Apollo Server runs them once per distinct query and caches the verdict with the parsed document.
import type { OperationDefinitionNode, ValidationContext, ValidationRule, FragmentDefinitionNode } from "graphql";
import { ErrorCode } from "../errors.ts";
import { limitError } from "./errors.ts";
import { fragmentsOf, measureSelections, type Measure } from "./walk.ts";

type Measurer = (op: OperationDefinitionNode, fragments: Map<string, FragmentDefinitionNode>) => number;

function operationLimit(
  code: string,
  limit: number,
  measure: Measurer,
  describe: (actual: number) => string,
): ValidationRule {
  return (context: ValidationContext) => {
    const fragments = fragmentsOf(context.getDocument());
    return {
      OperationDefinition(op) {
        const actual = measure(op, fragments);
        if (actual > limit)
          context.reportError(limitError(code, `${describe(actual)}; the limit is ${limit}`, limit, actual, op));
        return false;
      },
    };
  };
}

const sum = (a: number, b: number) => a + b;

// Introspection's own nesting is not counted (the standard introspection query nests 15 deep, all
// in `ofType`); a deep introspection query is a wide one too, and the cost limit stops it.
const INTROSPECTION_ROOTS = new Set(["__schema", "__type"]);

export const depthOf: Measurer = (op, fragments) =>
  measureSelections(op.selectionSet, fragments, {
    field: (f, inner) => (INTROSPECTION_ROOTS.has(f.name.value) ? 1 : 1 + inner),
    combine: Math.max,
    empty: 0,
  });

export const aliasesOf: Measurer = (op, fragments) =>
  measureSelections(op.selectionSet, fragments, {
    field: (f, inner) => (f.alias ? 1 : 0) + inner,
    combine: sum,
    empty: 0,
  });

export const rootFieldsOf: Measurer = (op, fragments) =>
  measureSelections(op.selectionSet, fragments, { field: () => 1, combine: sum, empty: 0 });

const directives: Measure = {
  field: (f, inner) => (f.directives?.length ?? 0) + inner,
  combine: sum,
  empty: 0,
  fragment: (node) => node.directives?.length ?? 0,
};
export const directivesOf: Measurer = (op, fragments) =>
  (op.directives?.length ?? 0) +
  (op.variableDefinitions ?? []).reduce((n, v) => n + (v.directives?.length ?? 0), 0) +
  measureSelections(op.selectionSet, fragments, directives);

/** Deepest field nesting: `{ a { b } }` is 2. */
export const maxDepthRule = (limit: number): ValidationRule =>
  operationLimit(
    ErrorCode.QUERY_TOO_DEEP,
    limit,
    depthOf,
    (n) => `Query is nested ${n} levels deep (fragments expanded)`,
  );

export const maxAliasesRule = (limit: number): ValidationRule =>
  operationLimit(
    ErrorCode.TOO_MANY_ALIASES,
    limit,
    aliasesOf,
    (n) => `Operation uses ${n} aliases (fragments expanded)`,
  );

export const maxRootFieldsRule = (limit: number): ValidationRule =>
  operationLimit(ErrorCode.TOO_MANY_ROOT_FIELDS, limit, rootFieldsOf, (n) => `Operation selects ${n} top-level fields`);

export const maxDirectivesRule = (limit: number): ValidationRule =>
  operationLimit(
    ErrorCode.TOO_MANY_DIRECTIVES,
    limit,
    directivesOf,
    (n) => `Operation uses ${n} directives (fragments expanded)`,
  );

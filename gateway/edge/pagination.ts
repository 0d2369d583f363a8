// Pagination caps: no `first`/`last`/`limit` above the cap, whatever the field. The subgraphs check
// their own ranges too (search: 1..100 with zod in subgraphs/catalogue/data/search.ts, similar items:
// 1..20, network members: 0..200); the edge refuses an oversized page before any partner is asked, and
// its message uses the same words as search's ("must be between 1 and 100") so a client sees one rule.
import {
  GraphQLError,
  Kind,
  type ASTNode,
  type FieldNode,
  type OperationDefinitionNode,
  type ValidationContext,
  type ValidationRule,
} from "graphql";
import { ErrorCode } from "../../lib/errors.ts";
import { pageArgument } from "../../lib/limits/cost.ts";

/** Response keys of the fields enclosing a node (the path a client would see), from visitor ancestors. */
function pathOf(ancestors: readonly (ASTNode | readonly ASTNode[])[], field: FieldNode): string[] {
  const path: string[] = [];
  for (const a of ancestors) {
    if (!Array.isArray(a) && (a as ASTNode).kind === Kind.FRAGMENT_DEFINITION)
      path.push(`...${(a as { name: { value: string } }).name.value}`);
    if (!Array.isArray(a) && (a as ASTNode).kind === Kind.FIELD) {
      const f = a as FieldNode;
      path.push(f.alias?.value ?? f.name.value);
    }
  }
  path.push(field.alias?.value ?? field.name.value);
  return path;
}

/**
 * BAD_USER_INPUT for a page argument over `cap`, naming the field's path and the argument. With
 * `variables` a `first: $n` is checked against `$n` (the gateway runs this per request, ./plugin.ts).
 */
export function paginationCapRule(cap: number, variables?: Record<string, unknown> | null): ValidationRule {
  return (context: ValidationContext) => {
    let op: OperationDefinitionNode | undefined;
    return {
      OperationDefinition: {
        enter: (node) => void (op = node),
        leave: () => void (op = undefined),
      },
      Field(node, _key, _parent, _path, ancestors) {
        const page = pageArgument(node, context.getFieldDef() ?? undefined, op, variables);
        if (!page || typeof page.value !== "number" || page.value <= cap) return;
        const path = pathOf(ancestors, node);
        context.reportError(
          new GraphQLError(
            `${page.name} at ${path.join(".")} must be between 1 and ${cap} (got ${page.value}): ask for the next page with after`,
            {
              nodes: node,
              extensions: {
                code: ErrorCode.BAD_USER_INPUT,
                argumentPath: [page.name],
                fieldPath: path,
                limit: cap,
                actual: page.value,
              },
            },
          ),
        );
      },
    };
  };
}

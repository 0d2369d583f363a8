// The limits that depend on variables as well as the document (page sizes and cost: `first: $n`
// costs what `$n` asks for), checked for each request once Apollo Server has resolved its operation
// and before the gateway plans anything. The structural limits run earlier, as validation rules.
import {
  GraphQLError,
  Kind,
  validate,
  visit,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import { ErrorCode } from "../../lib/errors.ts";
import { maxCostRule, PAGE_ARGUMENTS } from "../../lib/limits/cost.ts";
import type { CostDirectives } from "../../lib/limits/cost-directives.ts";
import { paginationCapRule } from "./pagination.ts";
import { actualCostAnswer, resultCost } from "../../lib/limits/actual-cost.ts";

export interface RequestLimits {
  maxPageSize: number;
  maxCost: number;
  defaultListSize: number;
  /** The supergraph's `@cost` and `@listSize` (lib/limits/cost-directives.ts). */
  directives?: CostDirectives;
}

/** The first page-size or cost limit this request breaks (with HTTP status 400), or undefined. */
function requestLimitError(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  limits: RequestLimits,
): GraphQLError | undefined {
  const only = {
    ...document,
    definitions: document.definitions.filter((d) => d.kind !== "OperationDefinition" || d === operation),
  };
  const errors = validate(schema, only, [
    paginationCapRule(limits.maxPageSize, variables),
    maxCostRule(limits.maxCost, { defaultListSize: limits.defaultListSize, variables, directives: limits.directives }),
  ]);
  return errors[0] ? withStatus(errors[0], 400) : undefined;
}

/** Whether a page or slicing argument anywhere in the document is a variable (the only way the limits read variables, lib/limits/cost.ts). */
function sizeReadsVariable(document: DocumentNode, sizeArguments: ReadonlySet<string>): boolean {
  let reads = false;
  visit(document, {
    Argument: (arg) => void (sizeArguments.has(arg.name.value) && arg.value.kind === Kind.VARIABLE && (reads = true)),
  });
  return reads;
}

export function requestLimitsPlugin<C extends BaseContext>(limits: RequestLimits): ApolloServerPlugin<C> {
  const sizeArguments = new Set<string>([
    ...PAGE_ARGUMENTS,
    ...[...(limits.directives?.values() ?? [])].flatMap((c) => c.slicingArguments ?? []),
  ]);
  // Operations that passed and whose sizes read no variable: their verdict is the document's, so it
  // is taken once (a validation pass per request was a large part of a cheap read's CPU). Keyed by
  // the node, which Apollo's document cache hands to every request with the same text.
  const passed = new WeakSet<OperationDefinitionNode>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, request, operation }) {
          // No operation to run (several in the document and no or a wrong operationName): the
          // gateway's executor would throw a plain error, masked as a 500. It is the client's mistake.
          if (!operation) throw withStatus(operationNotFound(document, request.operationName), 400);
          if (passed.has(operation)) return;
          const error = requestLimitError(schema, document, operation, request.variables ?? {}, limits);
          // Thrown from here, Apollo Server answers with this one error; 400 is a request error
          // (lib/http-server.ts answers 200 instead when the client only accepts application/json).
          if (error) throw error;
          if (!sizeReadsVariable(document, sizeArguments)) passed.add(operation);
        },
        // The same cap on the answer's actual cost (real list lengths and sizes), before it is sent:
        // an estimate that assumed 200 points cannot let 7,500 of them through.
        async willSendResponse({ response, schema, document, operation }) {
          if (response.body.kind !== "single" || !document || !operation || response.body.singleResult.data == null)
            return;
          const actual = resultCost(schema, document, operation, response.body.singleResult.data, limits.directives);
          if (actual <= limits.maxCost) return;
          response.body.singleResult = actualCostAnswer(actual, limits.maxCost);
          response.http.status = 400;
        },
      };
    },
  };
}

function operationNotFound(document: DocumentNode, operationName: string | undefined): GraphQLError {
  const names = document.definitions.flatMap((d) => (d.kind === "OperationDefinition" && d.name ? [d.name.value] : []));
  const message = operationName
    ? `No operation named "${operationName}" in the document (it holds ${names.length ? names.join(", ") : "no named operation"})`
    : `The document holds several operations (${names.join(", ")}): say which to run with operationName`;
  return new GraphQLError(message, { extensions: { code: ErrorCode.OPERATION_RESOLUTION_FAILURE } });
}

function withStatus(error: GraphQLError, status: number): GraphQLError {
  Object.assign(error.extensions, { http: { status } });
  return error;
}

// The limits that depend on variables as well as the document (page sizes and cost: `first: $n`
// costs what `$n` asks for), checked for each request once Apollo Server has resolved its operation
// and before the gateway plans anything. The structural limits run earlier, as validation rules.
import { validate, type GraphQLError } from "graphql";
import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import { maxCostRule } from "./cost.ts";
import { paginationCapRule } from "./pagination.ts";

export interface RequestLimits {
  maxPageSize: number;
  maxCost: number;
  defaultListSize: number;
}

export function requestLimitsPlugin<C extends BaseContext>(limits: RequestLimits): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, request, operation }) {
          if (!operation) return;
          const variables = request.variables ?? {};
          const only = { ...document, definitions: document.definitions.filter((d) => d.kind !== "OperationDefinition" || d === operation) };
          const errors = validate(schema, only, [
            paginationCapRule(limits.maxPageSize, variables),
            maxCostRule(limits.maxCost, { defaultListSize: limits.defaultListSize, variables }),
          ]);
          const first = errors[0];
          // Thrown from here, Apollo Server answers with this one error; 400 is a request error
          // (lib/http-server.ts answers 200 instead when the client only accepts application/json).
          if (first) throw withStatus(first, 400);
        },
      };
    },
  };
}

function withStatus(error: GraphQLError, status: number): GraphQLError {
  Object.assign(error.extensions, { http: { status } });
  return error;
}

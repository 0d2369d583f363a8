// Refuses, before anything runs, an operation signed by the national catalogue that is not one of
// the catalogue's own calls (lib/auth/catalogue-scope.ts): a mutation, or a read of an item (drafts
// included) by id; its entity fetches see published items only. The catalogue's key can harvest and check schemas, nothing more.
import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import { GraphQLError } from "graphql";
import { catalogueScopeViolation } from "../../lib/auth/catalogue-scope.ts";
import { ErrorCode } from "../../lib/errors.ts";
import type { Caller } from "./caller.ts";

/**
 * Where a request's context carries its caller for this plugin: a symbol, as not every kind's context
 * has a `caller` field, and Apollo Server hands plugins a shallow copy of the context (symbols survive it).
 */
export const CALLER = Symbol("caller");

export function catalogueScopePlugin<C extends BaseContext>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart({ contextValue }) {
      if ((contextValue as { [CALLER]?: Caller })[CALLER]?.by !== "catalogue") return;
      return {
        async didResolveOperation({ document, operation, request }) {
          if (!operation) return;
          const violation = catalogueScopeViolation(document, operation, request.variables ?? {});
          if (!violation) return;
          throw new GraphQLError(violation.message, {
            ...(violation.path ? { path: violation.path } : {}),
            extensions: { code: ErrorCode.FORBIDDEN, http: { status: 403 } },
          });
        },
      };
    },
  };
}

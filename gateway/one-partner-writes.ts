// "One request writes to one partner", across kinds: a mutation whose root fields belong to two
// kinds (createNetwork and createProject) would be planned as one fetch per kind, run one after the
// other, so the first kind's write is done before the second can fail. A partner serves one kind,
// so two kinds are always two partners: such a mutation is refused here, once Apollo Server has
// resolved the operation and before the gateway plans or sends anything. Within one kind the fetch
// is one, and gateway/root-routing.ts refuses it whole when its fields name two partners.
import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import { GraphQLError } from "graphql";
import { ROOT_ROUTES } from "../schema/write-routes.ts";
import { ErrorCode } from "../lib/errors.ts";
import { rootFields } from "../lib/root-fields.ts";

/** The kind whose partners run a root mutation field: from the route table, else the national catalogue. */
const kindOf = (field: string): string => ROOT_ROUTES[field]?.kind ?? "catalogue";

export function onePartnerWritesPlugin<C extends BaseContext>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request }) {
          if (operation?.operation !== "mutation") return;
          let first: { name: string; kind: string } | undefined;
          for (const field of rootFields(document, operation, request.variables ?? {})) {
            const name = field.name.value;
            if (name === "__typename") continue;
            const kind = kindOf(name);
            if (!first) first = { name, kind };
            else if (kind !== first.kind) {
              // Thrown from here, Apollo Server answers with this one error and runs nothing.
              throw new GraphQLError(
                `One request writes to one partner: ${first.name} writes to a ${first.kind} partner and ${name} to a ${kind} partner; send them as separate requests`,
                {
                  path: [field.alias?.value ?? name],
                  extensions: { code: ErrorCode.WRITE_SPANS_PARTNERS, http: { status: 400 } },
                },
              );
            }
          }
        },
      };
    },
  };
}

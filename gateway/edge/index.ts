// The edge's part of an Apollo Server's options: limits, batching, CSRF prevention, introspection,
// suggestions. gateway/server.ts spreads gatewayServerOptions() into its ApolloServer (a partner's
// own limits are lib/limits/partner.ts).
import type { ApolloServerOptions, BaseContext } from "@apollo/server";
import type { GraphQLFormattedError } from "graphql";
import { withEdgeCodes } from "../../lib/limits/errors.ts";
import { maxAliasesRule, maxDepthRule, maxDirectivesRule, maxRootFieldsRule } from "../../lib/limits/rules.ts";
import { requestLimitsPlugin } from "./plugin.ts";
import type { CostDirectives } from "../../lib/limits/cost-directives.ts";
import type { EdgeSettings } from "./settings.ts";

export { edgeSettings, EDGE_DEFAULTS, type EdgeSettings } from "./settings.ts";

type Format = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/** `directives`: the supergraph's cost directives (lib/limits/cost-directives.ts); without them every field costs 1. */
export function gatewayServerOptions<C extends BaseContext>(
  settings: EdgeSettings,
  formatError: Format,
  directives?: CostDirectives,
) {
  return {
    validationRules: [
      maxDepthRule(settings.MAX_QUERY_DEPTH),
      maxAliasesRule(settings.MAX_ALIASES),
      maxRootFieldsRule(settings.MAX_ROOT_FIELDS),
      maxDirectivesRule(settings.MAX_DIRECTIVES),
    ],
    // graphql-js counts tokens as it lexes and stops at the limit: a huge document costs no more
    // than MAX_TOKENS tokens of parsing, and validation never sees it.
    parseOptions: { maxTokens: settings.MAX_TOKENS },
    plugins: [
      requestLimitsPlugin<C>({
        maxPageSize: settings.MAX_PAGE_SIZE,
        maxCost: settings.MAX_QUERY_COST,
        defaultListSize: settings.COST_DEFAULT_LIST_SIZE,
        directives,
      }),
    ],
    formatError: withEdgeCodes(formatError),
    allowBatchedHttpRequests: settings.HTTP_BATCH_MAX > 0,
    // POST must be a non-simple content type and GET must carry a preflight header
    // (apollo-require-preflight or x-apollo-operation-name): a browser cannot send either cross-site
    // without CORS consent. Apollo Server's default, stated so nobody turns it off by accident.
    csrfPrevention: true,
    introspection: settings.INTROSPECTION,
    // "Did you mean ...?" names fields a client did not ask about: only in development.
    hideSchemaDetailsFromClientErrors: settings.NODE_ENV !== "development",
    includeStacktraceInErrorResponses: false,
  } satisfies Partial<ApolloServerOptions<C>>;
}

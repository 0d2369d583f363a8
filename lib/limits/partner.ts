// A partner's own limits, for every request it serves, signed by the gateway or not (a request
// straight to a partner must not be able to do what the gateway would refuse):
//   - depth, aliases and tokens, looser than the gateway's (the planner adds an `_entities` level,
//     `__typename` and key fields, inlines fragments and may alias fields);
//   - at most PARTNER_MAX_ENTITIES `_entities` representations per request;
//   - a cost limit on the estimate, with the kind contract's @cost and @listSize (the model the
//     gateway applies, ./cost.ts) and `_entities` sized by the representations really sent:
//     the gateway's own MAX_QUERY_COST for an unsigned caller (nothing the gateway would refuse can
//     be asked of a partner directly), PARTNER_MAX_QUERY_COST for the gateway's signed forwards;
//   - the same limit on the answer's actual cost (./actual-cost.ts), before it is sent.
// The per-caller rate limit of unsigned requests is the HTTP front's (lib/http-server.ts `limiter`),
// given by subgraphs/shared/service.ts.
import type { ApolloServerOptions, ApolloServerPlugin, BaseContext } from "@apollo/server";
import {
  GraphQLError,
  Kind,
  validate,
  valueFromASTUntyped,
  visit,
  type DocumentNode,
  type GraphQLFormattedError,
  type OperationDefinitionNode,
} from "graphql";
import { loadConfig, type Config } from "../config.ts";
import { ErrorCode } from "../errors.ts";
import { maxCostRule } from "./cost.ts";
import { costDirectivesOf, type CostDirectives, type FieldCost } from "./cost-directives.ts";
import { actualCostAnswer, resultCost } from "./actual-cost.ts";
import { withEdgeCodes } from "./errors.ts";
import { maxAliasesRule, maxDepthRule } from "./rules.ts";

export const PARTNER_LIMIT_KEYS = [
  "PARTNER_MAX_ENTITIES",
  "PARTNER_MAX_QUERY_COST",
  "CATALOGUE_MAX_QUERY_COST",
  "MAX_QUERY_COST",
  "PARTNER_RATE_LIMIT_REQUESTS",
  "PARTNER_RATE_LIMIT_WINDOW_MS",
  "COST_DEFAULT_LIST_SIZE",
  "MAX_QUERY_DEPTH",
  "MAX_ALIASES",
] as const satisfies readonly (keyof Config)[];

export type PartnerLimitSettings = Pick<Config, (typeof PARTNER_LIMIT_KEYS)[number]>;

function pick(config: Partial<Config>): PartnerLimitSettings {
  return Object.fromEntries(
    PARTNER_LIMIT_KEYS.filter((k) => config[k] !== undefined).map((k) => [k, config[k]]),
  ) as PartnerLimitSettings;
}

/** The documented defaults (an empty environment). */
export const PARTNER_LIMIT_DEFAULTS: PartnerLimitSettings = pick(loadConfig({}));

export function partnerLimitSettings(overrides: Partial<Config> = {}): PartnerLimitSettings {
  return { ...PARTNER_LIMIT_DEFAULTS, ...pick(overrides) };
}

/** Depth, aliases and tokens: twice, ten and twenty times the gateway's defaults. */
export function structuralLimits(settings: PartnerLimitSettings) {
  return { depth: 2 * settings.MAX_QUERY_DEPTH, aliases: 10 * settings.MAX_ALIASES, tokens: 20_000 } as const;
}

/** `_entities` is sized by the representations it is given (the subgraph spec's field, not in a contract). */
const ENTITIES: FieldCost = { slicingArguments: ["representations"] };

/** A kind contract's cost directives, plus `_entities`'s size. */
export function partnerCostDirectives(contract: DocumentNode): CostDirectives {
  const directives = costDirectivesOf(contract);
  directives.set("Query._entities", ENTITIES);
  return directives;
}

/** Representations the operation's `_entities` fields are given (literal or variable). */
export function representationsOf(operation: OperationDefinitionNode, variables: Record<string, unknown>): number {
  let count = 0;
  visit(operation, {
    Field(node) {
      if (node.name.value !== "_entities") return;
      const arg = node.arguments?.find((a) => a.name.value === "representations");
      if (!arg) return;
      const value = arg.value.kind === Kind.VARIABLE ? variables[arg.value.name.value] : valueFromASTUntyped(arg.value);
      count += Array.isArray(value) ? value.length : 1;
    },
  });
  return count;
}

function refusal(code: string, message: string, limit: number, actual: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code, limit, actual, http: { status: 400 } } });
}

// Marks the context of a gateway's signed forward. A property, not a WeakSet of contexts: Apollo
// Server runs each operation on a shallow copy of the context (Object.assign keeps this symbol).
const SIGNED_FORWARD = Symbol("signed forward");

/** Marks `context` as a signed request's, and whose (subgraphs/shared/service.ts, which knows the caller). */
export function markSignedForward<T extends object>(context: T, by: "gateway" | "catalogue" = "gateway"): T {
  Object.defineProperty(context, SIGNED_FORWARD, { value: by, enumerable: true });
  return context;
}

const signerOf = (context: object): string | undefined => (context as { [SIGNED_FORWARD]?: string })[SIGNED_FORWARD];

export function partnerLimitsPlugin<C extends BaseContext>(
  settings: PartnerLimitSettings,
  directives: CostDirectives,
): ApolloServerPlugin<C> {
  const costLimit = (context: C) => {
    const by = signerOf(context);
    return by === "catalogue"
      ? settings.CATALOGUE_MAX_QUERY_COST
      : by
        ? settings.PARTNER_MAX_QUERY_COST
        : settings.MAX_QUERY_COST;
  };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, request, operation, contextValue }) {
          if (!operation) return;
          const maxCost = costLimit(contextValue);
          const variables = request.variables ?? {};
          const entities = representationsOf(operation, variables);
          if (entities > settings.PARTNER_MAX_ENTITIES) {
            throw refusal(
              ErrorCode.TOO_MANY_ENTITIES,
              `The request asks for ${entities} _entities representations; the limit is ${settings.PARTNER_MAX_ENTITIES} per request`,
              settings.PARTNER_MAX_ENTITIES,
              entities,
            );
          }
          const only = {
            ...document,
            definitions: document.definitions.filter((d) => d.kind !== Kind.OPERATION_DEFINITION || d === operation),
          };
          const [error] = validate(schema, only, [
            maxCostRule(maxCost, { defaultListSize: settings.COST_DEFAULT_LIST_SIZE, variables, directives }),
          ]);
          if (error) {
            Object.assign(error.extensions, { http: { status: 400 } });
            throw error;
          }
        },
        async willSendResponse({ response, schema, document, operation, contextValue }) {
          if (response.body.kind !== "single" || !document || !operation || response.body.singleResult.data == null)
            return;
          const maxCost = costLimit(contextValue);
          const actual = resultCost(schema, document, operation, response.body.singleResult.data, directives);
          if (actual <= maxCost) return;
          response.body.singleResult = actualCostAnswer(actual, maxCost);
          response.http.status = 400;
        },
      };
    },
  };
}

type Format = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/** A partner's Apollo Server options: every limit above, masked errors, no stack traces. */
export function partnerServerOptions<C extends BaseContext>(
  contract: DocumentNode,
  settings: PartnerLimitSettings,
  formatError: Format,
) {
  const structural = structuralLimits(settings);
  return {
    validationRules: [maxDepthRule(structural.depth), maxAliasesRule(structural.aliases)],
    parseOptions: { maxTokens: structural.tokens },
    plugins: [partnerLimitsPlugin<C>(settings, partnerCostDirectives(contract))],
    formatError: withEdgeCodes(formatError),
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
  } satisfies Partial<ApolloServerOptions<C>>;
}

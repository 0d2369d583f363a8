// The single-fetch shortcut, a plugin of Apollo Server's request pipeline: a read whose cached query
// plan is ONE fetch, of exactly the client's own operation, to one service (`projectFromOwner(id)`
// to its owner, a catalogue-only `search`...), is sent to that service by the data source Apollo
// would use, and the service's data is the response. Why: for such a request the gateway's plan
// execution and its re-shaping of the result add nothing to the answer but cost CPU on every
// request (scripts/bench/gateway, scenario a: one entity by id from its owner).
//
// It runs in `responseForOperation`, after `didResolveOperation`: by then Apollo Server has parsed
// and validated the document (with the edge's rules, through the document cache), resolved the
// operation, and the edge's page-size and cost limits (gateway/edge/plugin.ts) and the planning
// budget have passed; the caller's token was verified when the context was built. What it returns,
// Apollo Server formats, checks against the actual-cost cap (willSendResponse), negotiates and
// serialises as any other answer. The shortcut itself only decides, and never words a refusal:
// - per plan (once): the plan is one Fetch with no requires or rewrites, whose operation is the
//   client's unchanged (no added __typename, no inlined fragments), so the service's data IS the
//   response's data. A document the gateway has not planned yet goes to Apollo, which plans it;
// - per request: not part of a batch, the variables coerce without error (else Apollo's executor
//   says why), and the service answers data without errors or extensions.
// Anything else is Apollo's. When the fetch itself answered errors, the answer is left in the
// request's context and the service's data source (wrapped by `answersPrefetched`) gives it to
// Apollo's executor, which turns it into the response (paths, codes, null propagation) without
// asking the service a second time. tests/integration/single-fetch.test.ts compares both paths byte
// for byte.
import type { ApolloServerPlugin, GraphQLRequestContextResponseForOperation } from "@apollo/server";
import { HeaderMap } from "@apollo/server";
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import type { FetchNode, QueryPlan } from "@apollo/query-planner";
import type { GatewayGraphQLResponse } from "@apollo/server-gateway-interface";
import {
  Kind,
  getOperationAST,
  getVariableValues,
  parse,
  print,
  stripIgnoredCharacters,
  type OperationDefinitionNode,
} from "graphql";
import type { Identity } from "../lib/auth/identity.ts";
import type { ByteBudget } from "../lib/admission.ts";
import type { PartnerRequest } from "../lib/partner-client.ts";
import { planKey } from "./caches/document-keys.ts";

/** What the shortcut needs from a data source: send one root fetch as the caller. */
export interface RootFetcher {
  fetchRoot(request: PartnerRequest, identity: Identity, budget?: ByteBudget): Promise<GatewayGraphQLResponse>;
}

/** The part of the gateway's context (gateway/server.ts) the shortcut reads and writes. */
export interface SingleFetchContext {
  identity: Identity;
  /** What this request's partner answers are charged to (lib/admission.ts); absent: unbounded. */
  budget?: ByteBudget;
  /** The answer the shortcut got for this request's one fetch but left to Apollo (it held errors). */
  prefetched?: { query: string; response: GatewayGraphQLResponse };
}

export interface SingleFetchOptions {
  /** The gateway's query plans by key (gateway/caches/document-keys.ts): the shortcut reads, never plans. */
  plans: { peek(key: string): QueryPlan | undefined };
  /** The data source of each service, by the supergraph's service name (as built for Apollo's gateway). */
  fetchers: ReadonlyMap<string, RootFetcher>;
}

type Verdict = { ok: false; why: string } | { ok: true; fetch: FetchNode; fetcher: RootFetcher };

/** An operation as text, without its name and insignificant characters: two equal ones ask for the same fields. */
function shapeOf(operation: OperationDefinitionNode): string {
  return stripIgnoredCharacters(print({ ...operation, name: undefined }));
}

export class SingleFetchShortcut<C extends SingleFetchContext> {
  // Keyed by the plan object: a plan dropped from the plan cache (or a new supergraph) drops its verdict.
  private readonly verdicts = new WeakMap<QueryPlan, Verdict>();
  /** Requests answered by the shortcut, handed to Apollo after its fetch, and plans judged (tests and the bench read these). */
  readonly counts = { answered: 0, handedOver: 0, judged: 0 };
  readonly plugin: ApolloServerPlugin<C>;

  constructor(private readonly options: SingleFetchOptions) {
    this.plugin = {
      requestDidStart: async () => ({ responseForOperation: (requestContext) => this.respond(requestContext) }),
    };
  }

  private verdict(plan: QueryPlan, requestContext: GraphQLRequestContextResponseForOperation<C>): Verdict {
    let verdict = this.verdicts.get(plan);
    if (!verdict) {
      verdict = this.judge(plan, requestContext);
      this.counts.judged++;
      this.verdicts.set(plan, verdict);
    }
    return verdict;
  }

  // The plan is keyed by the normalised document and the operation name (gateway/caches), so every
  // request that finds this plan has this document's operation: the verdict holds for all of them.
  private judge(plan: QueryPlan, { document, operation }: GraphQLRequestContextResponseForOperation<C>): Verdict {
    const node = plan.node;
    if (node?.kind !== "Fetch") return { ok: false, why: node ? `plans a ${node.kind}` : "plans no fetch" };
    if (node.requires || node.inputRewrites?.length || node.outputRewrites?.length || node.contextRewrites?.length)
      return { ok: false, why: "fetch rewrites" };
    if (document.definitions.some((d) => d.kind === Kind.FRAGMENT_DEFINITION))
      return { ok: false, why: "has fragments" };
    const fetcher = this.options.fetchers.get(node.serviceName);
    if (!fetcher) return { ok: false, why: `no data source for ${node.serviceName}` };
    const fetched = getOperationAST(parse(node.operation), node.operationName);
    if (!fetched || shapeOf(fetched) !== shapeOf(operation))
      return { ok: false, why: "the fetch differs from the operation" };
    return { ok: true, fetch: node, fetcher };
  }

  private async respond(requestContext: GraphQLRequestContextResponseForOperation<C>) {
    const { operation, request, queryHash, contextValue, schema, requestIsBatched } = requestContext;
    // A batch's operations share one context, where a fetch's answer left for Apollo could reach
    // another operation of the batch: batches are Apollo's.
    if (operation?.operation !== "query" || !queryHash || requestIsBatched) return null;
    const plan = this.options.plans.peek(planKey(queryHash, request.operationName));
    if (!plan) return null;
    const verdict = this.verdict(plan, requestContext);
    if (!verdict.ok) return null;
    const given = request.variables ?? {};
    // Only a check: a request whose variables do not coerce is Apollo's executor's to refuse, in its words.
    if (getVariableValues(schema, operation.variableDefinitions ?? [], given).errors) return null;
    // As Apollo's executor sends a fetch: the variables it uses, as the client gave them.
    const sent: Record<string, unknown> = {};
    for (const name of verdict.fetch.variableUsages ?? []) if (given[name] !== undefined) sent[name] = given[name];
    const fetch = { query: verdict.fetch.operation, variables: sent, operationName: verdict.fetch.operationName };
    const response = await verdict.fetcher.fetchRoot(fetch, contextValue.identity, contextValue.budget);
    const { data, errors, extensions } = response;
    if (errors?.length || extensions || !data || typeof data !== "object") {
      this.counts.handedOver++;
      contextValue.prefetched = { query: fetch.query, response };
      return null;
    }
    this.counts.answered++;
    return { http: { headers: new HeaderMap() }, body: { kind: "single" as const, singleResult: { data } } };
  }
}

/**
 * A service's data source for Apollo's gateway that first answers the fetch the shortcut already
 * made for this request (taken once; only for the very same fetch document), then asks `source`.
 */
export function answersPrefetched(source: GraphQLDataSource): GraphQLDataSource {
  return {
    process(options: GraphQLDataSourceProcessOptions) {
      const context = (options as { context?: Pick<SingleFetchContext, "prefetched"> }).context;
      const pre = context?.prefetched;
      if (!pre || pre.query !== options.request.query) return source.process(options);
      context.prefetched = undefined;
      return Promise.resolve(pre.response);
    },
  };
}

// The single-fetch shortcut: a read whose whole query plan is ONE fetch, of exactly the client's own
// operation, to one service (`projectFromOwner(id)` to its owner, a catalogue-only `search`...), is
// sent to that service by the same data source Apollo would use, and the answer goes back to the
// client without Apollo Server's request pipeline, the gateway's plan execution and its re-shaping
// of the result. Why: for such a request those add nothing to the answer but cost about 3 ms of CPU
// per request (scripts/bench/gateway, scenario a: one entity by id from its owner).
//
// The shortcut must be invisible. It answers only what it can answer exactly as Apollo would:
// - per document (once, cached): it parses and validates with the edge's rules, is one query
//   operation without fragments, and the planner's only fetch is that operation unchanged (no added
//   __typename, no requires, no rewrites), so the service's data IS the response's data;
// - per request: variables coerce without error, the edge's page-size and cost limits pass, the
//   caller's token verifies, the client accepts a JSON media type we can name, and the service
//   answers data without errors or extensions.
// Anything else goes to Apollo as before. When the fetch itself answered errors, Apollo gets that
// answer with the request (takePrefetched in ./owner-routing-data-source.ts) and turns it into the
// response, so the service is not asked twice. tests/integration/single-fetch.test.ts compares both
// paths byte for byte.
import type { IncomingMessage } from "node:http";
import { Supergraph, operationFromDocument } from "@apollo/federation-internals";
import { QueryPlanner, type FetchNode } from "@apollo/query-planner";
import type { GatewayGraphQLResponse } from "@apollo/server-gateway-interface";
import {
  Kind,
  getOperationAST,
  getVariableValues,
  parse,
  print,
  specifiedRules,
  stripIgnoredCharacters,
  validate,
  visit,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValidationRule,
} from "graphql";
import type { Identity } from "../lib/auth/identity.ts";
import type { ByteBudget } from "../lib/admission.ts";
import { requestLimitError, type RequestLimits } from "./edge/plugin.ts";
import { PAGE_ARGUMENTS } from "../lib/limits/cost.ts";
import { resultCost } from "../lib/limits/actual-cost.ts";
import { normalisedDocument } from "./caches/normalise.ts";
import type { PlanningBudget } from "./caches/planning-budget.ts";
import type { RootFetcher } from "./owner-routing-data-source.ts";

export interface SingleFetchOptions {
  supergraphSdl: string;
  /** The data source of each service, by the supergraph's service name. */
  fetchers: ReadonlyMap<string, RootFetcher>;
  /** The edge's validation rules and token limit (gateway/edge), as Apollo Server is given them. */
  validationRules: readonly ValidationRule[];
  maxTokens: number;
  limits: RequestLimits;
  /** Planning work per client (gateway/caches/planning-budget.ts): judging a new document plans it. */
  budget?: PlanningBudget;
}

/** What the shortcut answers: status 200, these headers, this body. */
export interface ShortcutAnswer {
  headers: Record<string, string>;
  body: string;
}

/** The outcome of one request: an answer, or Apollo's turn (with the fetch's answer when there was one). */
export type ShortcutOutcome = { answer: ShortcutAnswer } | { prefetched?: { query: string; response: GatewayGraphQLResponse } } | undefined;

type Verdict =
  | { ok: false; why: string }
  | {
      ok: true;
      document: DocumentNode;
      operation: OperationDefinitionNode;
      fetch: FetchNode;
      fetcher: RootFetcher;
      /** Whether the edge's page-size and cost limits read variables; when not, they passed once for all. */
      limitsReadVariables: boolean;
    };

/** Distinct documents remembered (verdicts, eligible or not); the oldest are forgotten beyond this. */
const MAX_VERDICTS = 1000;

// The media types Apollo Server would choose for these Accept headers (its Negotiator over
// application/json, then application/graphql-response+json). Any other Accept header goes to Apollo.
const JSON_TYPE = "application/json; charset=utf-8";
const GRAPHQL_RESPONSE_TYPE = "application/graphql-response+json; charset=utf-8";
const MEDIA_TYPE_FOR_ACCEPT = new Map<string | undefined, string>([
  [undefined, JSON_TYPE],
  ["", JSON_TYPE],
  ["*/*", JSON_TYPE],
  ["application/json", JSON_TYPE],
  ["application/json; charset=utf-8", JSON_TYPE],
  ["application/graphql-response+json", GRAPHQL_RESPONSE_TYPE],
  ["application/graphql-response+json, application/json", GRAPHQL_RESPONSE_TYPE],
  ["application/graphql-response+json, application/json;q=0.9", GRAPHQL_RESPONSE_TYPE],
]);

/** An operation as text, without its name and insignificant characters: two equal ones ask for the same fields. */
function shapeOf(operation: OperationDefinitionNode): string {
  return stripIgnoredCharacters(print({ ...operation, name: undefined }));
}

export class SingleFetchShortcut {
  private readonly supergraph: Supergraph;
  private readonly planner: QueryPlanner;
  private readonly schema: GraphQLSchema;
  private readonly rules: readonly ValidationRule[];
  private readonly verdicts = new Map<string, Verdict>();
  /** Arguments the cost and page limits read: first/last/limit and every declared @listSize slicing argument. */
  private readonly sizeArguments: ReadonlySet<string>;
  /** Requests answered by the shortcut, and handed to Apollo (tests and the bench read these). */
  readonly counts = { answered: 0, handedOver: 0, judged: 0 };

  constructor(private readonly options: SingleFetchOptions) {
    this.supergraph = Supergraph.build(options.supergraphSdl);
    this.planner = new QueryPlanner(this.supergraph);
    this.schema = this.supergraph.apiSchema().toGraphQLJSSchema();
    this.rules = [...specifiedRules, ...options.validationRules];
    this.sizeArguments = new Set([...PAGE_ARGUMENTS, ...[...(options.limits.directives?.values() ?? [])].flatMap((c) => c.slicingArguments ?? [])]);
  }

  /**
   * Why a document does or does not take the shortcut (computed once per normalised document and
   * operation name); undefined when judging it would plan it and `client` has spent its planning budget.
   */
  verdict(query: string, operationName: string | undefined, client = "unknown"): Verdict | undefined {
    const key = `${operationName ?? ""}\n${normalisedDocument(query, this.options.maxTokens) ?? query}`;
    let verdict = this.verdicts.get(key);
    if (!verdict) {
      if (this.options.budget?.refusal(client) !== undefined) return undefined;
      const started = performance.now();
      verdict = this.judge(query, operationName);
      this.options.budget?.charge(client, performance.now() - started);
      this.counts.judged++;
      if (this.verdicts.size >= MAX_VERDICTS) this.verdicts.delete(this.verdicts.keys().next().value!);
      this.verdicts.set(key, verdict);
    }
    return verdict;
  }

  private judge(query: string, operationName: string | undefined): Verdict {
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: this.options.maxTokens });
    } catch {
      return { ok: false, why: "does not parse" };
    }
    if (validate(this.schema, document, this.rules).length > 0) return { ok: false, why: "fails validation" };
    if (document.definitions.some((d) => d.kind === Kind.FRAGMENT_DEFINITION)) return { ok: false, why: "has fragments" };
    const operation = getOperationAST(document, operationName);
    if (!operation) return { ok: false, why: "names no operation" };
    if (operation.operation !== "query") return { ok: false, why: `is a ${operation.operation}` };
    let node;
    try {
      node = this.planner.buildQueryPlan(operationFromDocument(this.supergraph.apiSchema(), document, { operationName })).node;
    } catch {
      return { ok: false, why: "cannot be planned" };
    }
    if (node?.kind !== "Fetch") return { ok: false, why: node ? `plans a ${node.kind}` : "plans no fetch" };
    if (node.requires || node.inputRewrites?.length || node.outputRewrites?.length || node.contextRewrites?.length) return { ok: false, why: "fetch rewrites" };
    const fetcher = this.options.fetchers.get(node.serviceName);
    if (!fetcher) return { ok: false, why: `no data source for ${node.serviceName}` };
    const fetched = getOperationAST(parse(node.operation), node.operationName);
    if (!fetched || shapeOf(fetched) !== shapeOf(operation)) return { ok: false, why: "the fetch differs from the operation" };
    // The limits read a variable only through a page or slicing argument (lib/limits/cost.ts):
    // without one, their verdict is the document's, taken once here.
    let limitsReadVariables = false;
    visit(operation, { Argument: (arg) => void ((this.sizeArguments.has(arg.name.value) && arg.value.kind === Kind.VARIABLE) && (limitsReadVariables = true)) });
    if (!limitsReadVariables && requestLimitError(this.schema, document, operation, {}, this.options.limits)) return { ok: false, why: "breaks a limit" };
    return { ok: true, document, operation, fetch: node, fetcher, limitsReadVariables };
  }

  /**
   * Answers a POSTed GraphQL request when it can; otherwise says it is Apollo's turn (with the
   * fetch's answer if it already has one). Never throws for a client's mistake: those are Apollo's.
   * The fetch's answer is charged to `budget`, the request's admission ticket, as Apollo's fetches are.
   */
  async handle(req: IncomingMessage, body: unknown, identity: () => Promise<Identity>, client?: string, budget?: ByteBudget): Promise<ShortcutOutcome> {
    if (!body || typeof body !== "object" || Array.isArray(body)) return undefined;
    const { query, operationName, variables, ...rest } = body as Record<string, unknown>;
    // Anything besides the three members (extensions: persisted queries...) is Apollo's.
    if (typeof query !== "string" || Object.keys(rest).length > 0) return undefined;
    if (operationName != null && typeof operationName !== "string") return undefined;
    if (variables != null && (typeof variables !== "object" || Array.isArray(variables))) return undefined;
    const mediaType = MEDIA_TYPE_FOR_ACCEPT.get(req.headers.accept);
    if (!mediaType) return undefined;
    const verdict = this.verdict(query, operationName ?? undefined, client);
    if (!verdict?.ok) return undefined;

    const given = (variables ?? {}) as Record<string, unknown>;
    // The gateway's own checks of a request, in its order: variable values, then the edge's limits.
    if (getVariableValues(this.schema, verdict.operation.variableDefinitions ?? [], given).errors) return undefined;
    if (verdict.limitsReadVariables && requestLimitError(this.schema, verdict.document, verdict.operation, given, this.options.limits)) return undefined;
    let caller: Identity;
    try {
      caller = await identity();
    } catch {
      return undefined;
    }
    // As the gateway sends a fetch: the variables it uses, as the client gave them.
    const sent: Record<string, unknown> = {};
    for (const name of verdict.fetch.variableUsages ?? []) if (given[name] !== undefined) sent[name] = given[name];
    const fetch = { query: verdict.fetch.operation, variables: sent, operationName: verdict.fetch.operationName };
    const response = await verdict.fetcher.fetchRoot(fetch, caller, budget);
    const { data, errors, extensions } = response;
    // An answer over the actual-cost cap is Apollo's to refuse (gateway/edge/plugin.ts), with this answer.
    if (errors?.length || extensions || !data || typeof data !== "object" || resultCost(this.schema, verdict.document, verdict.operation, data, this.options.limits.directives) > this.options.limits.maxCost) {
      this.counts.handedOver++;
      return { prefetched: { query: fetch.query, response } };
    }
    this.counts.answered++;
    // Apollo Server's own serialisation (prettyJSONStringify) and headers for an uncacheable answer.
    return { answer: { headers: { "content-type": mediaType, "cache-control": "no-store" }, body: `${JSON.stringify({ data })}\n` } };
  }
}

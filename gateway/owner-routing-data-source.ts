// The gateway's transport for a partner kind (resources, networks, projects). Federation plans
// by type, so every entity fetch for a kind arrives here as one `_entities` batch; this data
// source splits the batch by the partner each id names, calls those partners in parallel with a
// deadline, and puts the answers back in the order of the representations (the subgraph spec
// requires it). A partner that fails yields null for its items plus ONE error naming it; every
// other partner's items still arrive.
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import type { GatewayGraphQLResponse } from "@apollo/server-gateway-interface";
import type { GraphQLFormattedError } from "graphql";
import type { Logger } from "pino";
import { parseId } from "../schema/ids.ts";
import type { PartnerKind } from "../schema/kinds.ts";
import type { Partner, Registry } from "../lib/registry/registry.ts";
import { ErrorCode } from "../lib/errors.ts";
import { PARTNER_LIMIT_DEFAULTS } from "../lib/limits/partner.ts";
import { callPartner, PartnerCallError, type PartnerRequest } from "../lib/partner-client.ts";
import { alreadyRefused, type ByteBudget } from "../lib/admission.ts";
import { partnerFailure } from "./partner-errors.ts";
import type { SchemaChecker, Verdict } from "../lib/contract/checker.ts";
import { ANONYMOUS, type Identity } from "../lib/auth/identity.ts";
import type { IdentitySigner } from "../lib/auth/internal-tokens.ts";
import { isMutation, planRootFetch, type RootPart } from "./root-routing.ts";

type Representation = { __typename: string; id?: unknown } & Record<string, unknown>;

export interface RoutingOptions {
  kind: PartnerKind;
  /** Read on every request, so registry changes apply without a restart. */
  registry: () => Registry;
  /** Deadline for a read (entity fetches, owner reads such as projectFromOwner): PARTNER_TIMEOUT_MS. */
  timeoutMs: number;
  logger: Logger;
  /** When given, a partner is only called once its schema has been found to honour the contract. */
  checker?: SchemaChecker;
  /** Signs the caller's identity for each partner; without it partners see unsigned (anonymous) requests. */
  signer?: IdentitySigner;
  /** Deadline for a write (a mutation), PARTNER_WRITE_TIMEOUT_MS: longer than a read's, as a batch of measurements is a real transaction. */
  writeTimeoutMs?: number;
  /** Awaited after every successful write, before its answer goes out (the catalogue indexes the write: gateway/catalogue-nudge.ts). */
  afterWrite?: (partner: string) => Promise<void>;
  /**
   * Most representations in one call to a partner: partners refuse more (PARTNER_MAX_ENTITIES,
   * lib/limits/partner.ts), so a bigger batch for one partner is sent as several calls in parallel.
   * @default PARTNER_LIMIT_DEFAULTS.PARTNER_MAX_ENTITIES (1,000)
   */
  maxEntitiesPerCall?: number;
}

/** The identity the gateway's context verified (gateway/server.ts), or anonymous. */
export function identityOf(options: GraphQLDataSourceProcessOptions): Identity {
  const context = (options as { context?: { identity?: Identity } }).context;
  return context?.identity ?? ANONYMOUS;
}

/** The budget of the request this fetch belongs to (gateway/server.ts puts its admission ticket in the context). */
interface BudgetContext {
  /** What this request's partner answers are charged to (lib/admission.ts); absent: unbounded. */
  budget?: ByteBudget;
}

/** The byte budget of the request this fetch belongs to (its admission ticket). */
export function budgetOf(options: GraphQLDataSourceProcessOptions): ByteBudget | undefined {
  return (options as { context?: BudgetContext }).context?.budget;
}

/**
 * Whether this fetch may share an identical in-flight call (lib/partner-client.ts): only when the
 * client's whole operation is a query. The entity fetches after a mutation never share, so a
 * writer always reads its own write rather than an answer that was already on its way.
 */
export function mayShareInflight(options: GraphQLDataSourceProcessOptions): boolean {
  return "incomingRequestContext" in options && options.incomingRequestContext.operation?.operation === "query";
}

/** The failure a schema check found, as the call would have failed (a partner at capacity refuses the request: 503). */
function unreachable(
  verdict: Extract<Verdict, { status: "unreachable" }>,
  budget: ByteBudget | undefined,
): PartnerCallError {
  if (verdict.failure === "overloaded") budget?.refuse();
  return new PartnerCallError(verdict.reason, verdict.failure ?? "unreachable");
}

export class OwnerRoutingDataSource implements GraphQLDataSource {
  constructor(private readonly options: RoutingOptions) {}

  async process(options: GraphQLDataSourceProcessOptions): Promise<GatewayGraphQLResponse> {
    const { request } = options;
    const { kind, logger } = this.options;
    const identity = identityOf(options);
    const representations = request.variables?.representations;
    if (!request.query)
      return {
        errors: [{ message: `Empty fetch for the ${kind} kind`, extensions: { code: ErrorCode.NOT_ROUTABLE } }],
      };
    // Root fields (mutations) go to one partner, chosen by schema/write-routes.ts.
    if (!Array.isArray(representations)) {
      return this.fetchRoot(
        { query: request.query, variables: request.variables ?? {}, operationName: request.operationName },
        identity,
        budgetOf(options),
      );
    }
    const refused = alreadyRefused(budgetOf(options));
    if (refused) return refused;
    const registry = this.options.registry();
    const entities: unknown[] = new Array(representations.length).fill(null);
    const errors: GraphQLFormattedError[] = [];
    const byPartner = new Map<string, number[]>();

    (representations as Representation[]).forEach((rep, index) => {
      const id = typeof rep?.id === "string" ? rep.id : "";
      const owner = parseId(id);
      const partner = owner && owner.kind === kind ? registry.get(owner.partner) : undefined;
      if (!partner || partner.kind !== kind || !partner.enabled) {
        errors.push({
          message: owner
            ? `No enabled ${kind} partner named "${owner.partner}" (id ${id})`
            : `Not a ${kind} id: "${id}"`,
          path: ["_entities", index],
          extensions: { code: ErrorCode.UNKNOWN_PARTNER, ...(owner ? { partner: owner.partner } : {}) },
        });
        return;
      }
      const list = byPartner.get(partner.id);
      if (list) list.push(index);
      else byPartner.set(partner.id, [index]);
    });
    const perCall = this.options.maxEntitiesPerCall ?? PARTNER_LIMIT_DEFAULTS.PARTNER_MAX_ENTITIES;
    const calls = [...byPartner].flatMap(([partnerId, all]) =>
      Array.from(
        { length: Math.ceil(all.length / perCall) },
        (_, k) => [partnerId, all.slice(k * perCall, (k + 1) * perCall)] as const,
      ),
    );

    await Promise.all(
      calls.map(async ([partnerId, indexes]) => {
        const partner = registry.get(partnerId)!;
        const started = performance.now();
        try {
          const verdict = await this.options.checker?.check(partner);
          if (verdict?.status === "quarantined") {
            errors.push({
              message: `Partner "${partnerId}" is quarantined: ${verdict.reason}`,
              path: ["_entities", indexes[0]!],
              extensions: { code: ErrorCode.PARTNER_QUARANTINED, partner: partnerId, items: indexes.length },
            });
            return;
          }
          if (verdict?.status === "unreachable") throw unreachable(verdict, budgetOf(options));
          const response = await callPartner(
            partner.url,
            {
              query: request.query!,
              operationName: request.operationName,
              variables: { ...request.variables, representations: indexes.map((i) => representations[i]) },
            },
            this.options.timeoutMs,
            await this.headersFor(identity, partnerId),
            { shareInflight: mayShareInflight(options), budget: budgetOf(options), deadline: "read" },
          );
          const answered = (response.data as { _entities?: unknown[] } | null | undefined)?._entities;
          if (!Array.isArray(answered) || answered.length !== indexes.length) {
            if (response.errors?.length && !answered) {
              // The partner refused the whole batch with errors of its own: pass them on.
              for (const e of response.errors) errors.push(this.ownError(e, partnerId, indexes));
              return;
            }
            throw new PartnerCallError(
              `answered ${Array.isArray(answered) ? answered.length : "no"} entities for ${indexes.length}`,
              "bad_response",
            );
          }
          indexes.forEach((original, j) => (entities[original] = answered[j]));
          for (const e of response.errors ?? []) errors.push(this.ownError(e, partnerId, indexes));
          logger.debug(
            { kind, partner: partnerId, items: indexes.length, ms: Math.round(performance.now() - started) },
            "partner fetch",
          );
        } catch (e) {
          errors.push({
            ...partnerFailure(e, {
              partner: partnerId,
              logger,
              event: "partner unavailable",
              log: { kind, items: indexes.length, ms: Math.round(performance.now() - started) },
              extensions: { items: indexes.length },
            }),
            path: ["_entities", indexes[0]!],
          });
        }
      }),
    );
    return errors.length > 0 ? { data: { _entities: entities }, errors } : { data: { _entities: entities } };
  }

  private async headersFor(identity: Identity, partnerId: string): Promise<Record<string, string>> {
    return this.options.signer ? this.options.signer.headers(identity, partnerId) : {};
  }

  /**
   * A root-field fetch: to the one partner the route table names. A read (projectFromOwner...) has
   * the read deadline; a write the write deadline. A partner that is down fails the write with a
   * retryable PARTNER_UNAVAILABLE; nothing was written anywhere else, as a fetch writes to one
   * partner only. A timeout may hide a write that happened: retrying with the same idempotency key
   * is safe either way (and only a write's error says so).
   */
  async fetchRoot(
    { query, variables = {}, operationName }: PartnerRequest,
    identity: Identity,
    budget?: ByteBudget,
  ): Promise<GatewayGraphQLResponse> {
    const refused = alreadyRefused(budget);
    if (refused) return refused;
    const routed = planRootFetch(query, variables, this.options.kind, identity, this.options.registry());
    if ("error" in routed) {
      const { message, code, path, partner } = routed.error;
      return {
        errors: [{ message, ...(path ? { path } : {}), extensions: { code, ...(partner ? { partner } : {}) } }],
      };
    }
    if ("parts" in routed) return this.fetchParts(routed.parts, routed.keys, variables, identity, budget);
    return this.fetchFromPartner(routed.partner, { query, variables, operationName }, identity, budget);
  }

  /**
   * A read whose root fields name several partners: each partner is asked for its own fields in
   * parallel, and the answers merged in the order of the fields (`keys`: the single-fetch shortcut
   * answers this data as it is). A partner that fails nulls its fields only, with its error.
   */
  private async fetchParts(
    parts: RootPart[],
    keys: string[],
    variables: Record<string, unknown>,
    identity: Identity,
    budget?: ByteBudget,
  ): Promise<GatewayGraphQLResponse> {
    const answers = await Promise.all(
      parts.map((part) => {
        const own = Object.fromEntries(part.variables.filter((v) => v in variables).map((v) => [v, variables[v]]));
        return this.fetchFromPartner(part.partner, { query: part.query, variables: own }, identity, budget);
      }),
    );
    const got = new Map<string, unknown>();
    const errors: GraphQLFormattedError[] = [];
    answers.forEach((answer, i) => {
      const part = parts[i]!;
      const data = (answer.data ?? {}) as Record<string, unknown>;
      for (const key of part.keys) got.set(key, data[key] ?? null);
      for (const e of answer.errors ?? [])
        errors.push(e.path ? e : { ...e, path: [part.keys.find((k) => k !== "__typename") ?? part.keys[0]!] });
    });
    const data = Object.fromEntries(keys.map((k) => [k, got.get(k) ?? null]));
    return errors.length > 0 ? { data, errors } : { data };
  }

  /** One root fetch to one partner, as the caller. */
  private async fetchFromPartner(
    partner: Partner,
    { query, variables = {}, operationName }: PartnerRequest,
    identity: Identity,
    budget?: ByteBudget,
  ): Promise<GatewayGraphQLResponse> {
    const { kind, logger } = this.options;
    const started = performance.now();
    const write = isMutation(query);
    try {
      const verdict = await this.options.checker?.check(partner);
      if (verdict?.status === "quarantined") {
        return {
          errors: [
            {
              message: `Partner "${partner.id}" is quarantined: ${verdict.reason}`,
              extensions: { code: ErrorCode.PARTNER_QUARANTINED, partner: partner.id },
            },
          ],
        };
      }
      if (verdict?.status === "unreachable") throw unreachable(verdict, budget);
      const response = await callPartner(
        partner.url,
        { query, variables, operationName },
        write ? (this.options.writeTimeoutMs ?? this.options.timeoutMs) : this.options.timeoutMs,
        await this.headersFor(identity, partner.id),
        // A write's answer is not refused for room: a 503 must mean nothing was written. (It is
        // small, and writes are signed and rate-limited.)
        { budget: write ? undefined : budget, deadline: write ? "write" : "read" },
      );
      // Writes are events worth a line each; owner reads (projectFromOwner...) are as frequent as page views.
      if (write)
        logger.info(
          {
            kind,
            partner: partner.id,
            ms: Math.round(performance.now() - started),
            errors: response.errors?.length ?? 0,
          },
          "partner write",
        );
      else
        logger.debug(
          {
            kind,
            partner: partner.id,
            ms: Math.round(performance.now() - started),
            errors: response.errors?.length ?? 0,
          },
          "partner read",
        );
      if (write && response.data) await this.options.afterWrite?.(partner.id);
      if (!response.errors) return response;
      return {
        ...response,
        errors: response.errors.map((e) => ({ ...e, extensions: { ...e.extensions, partner: partner.id } })),
      };
    } catch (e) {
      const log = { kind, ms: Math.round(performance.now() - started) };
      return {
        errors: [
          write
            ? partnerFailure(e, {
                partner: partner.id,
                logger,
                log,
                event: "partner unavailable for a write",
                advice: "Retry with the same idempotencyKey: the write happens at most once.",
                extensions: { retryable: true },
              })
            : partnerFailure(e, { partner: partner.id, logger, log, event: "partner unavailable for a read" }),
        ],
      };
    }
  }

  /** A partner's own error: its `_entities` index is moved back to the original batch position. */
  private ownError(error: GraphQLFormattedError, partner: string, indexes: number[]): GraphQLFormattedError {
    const path = error.path ? [...error.path] : undefined;
    if (path && path[0] === "_entities" && typeof path[1] === "number") path[1] = indexes[path[1]] ?? path[1];
    return { ...error, ...(path ? { path } : {}), extensions: { ...error.extensions, partner } };
  }
}

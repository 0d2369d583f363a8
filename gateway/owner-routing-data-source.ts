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
import type { Registry } from "../schema/registry.ts";
import { ErrorCode } from "../lib/errors.ts";
import { callPartner, PartnerCallError } from "../lib/partner-client.ts";
import type { SchemaChecker } from "../lib/schema-checker.ts";

type Representation = { __typename: string; id?: unknown } & Record<string, unknown>;

export interface RoutingOptions {
  kind: PartnerKind;
  /** Read on every request, so registry changes apply without a restart. */
  registry: () => Registry;
  timeoutMs: number;
  logger: Logger;
  /** When given, a partner is only called once its schema has been found to honour the contract. */
  checker?: SchemaChecker;
}

export class OwnerRoutingDataSource implements GraphQLDataSource {
  constructor(private readonly options: RoutingOptions) {}

  async process({ request }: GraphQLDataSourceProcessOptions): Promise<GatewayGraphQLResponse> {
    const { kind, logger } = this.options;
    const representations = request.variables?.representations;
    if (!Array.isArray(representations) || !request.query) {
      // Partner kinds expose no public root fields: only entity fetches can reach them.
      return { errors: [{ message: `The ${kind} kind only answers entity fetches`, extensions: { code: "NOT_ROUTABLE" } }] };
    }
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
          message: owner ? `No enabled ${kind} partner named "${owner.partner}" (id ${id})` : `Not a ${kind} id: "${id}"`,
          path: ["_entities", index],
          extensions: { code: ErrorCode.UNKNOWN_PARTNER, ...(owner ? { partner: owner.partner } : {}) },
        });
        return;
      }
      const list = byPartner.get(partner.id);
      if (list) list.push(index);
      else byPartner.set(partner.id, [index]);
    });

    await Promise.all(
      [...byPartner].map(async ([partnerId, indexes]) => {
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
          if (verdict?.status === "unreachable") throw new PartnerCallError(verdict.reason, "unreachable");
          const response = await callPartner(
            partner.url,
            {
              query: request.query!,
              operationName: request.operationName,
              variables: { ...request.variables, representations: indexes.map((i) => representations[i]) },
            },
            this.options.timeoutMs,
          );
          const answered = (response.data as { _entities?: unknown[] } | null | undefined)?._entities;
          if (!Array.isArray(answered) || answered.length !== indexes.length) {
            if (response.errors?.length && !answered) {
              // The partner refused the whole batch with errors of its own: pass them on.
              for (const e of response.errors) errors.push(this.ownError(e, partnerId, indexes));
              return;
            }
            throw new PartnerCallError(`answered ${Array.isArray(answered) ? answered.length : "no"} entities for ${indexes.length}`, "bad_response");
          }
          indexes.forEach((original, j) => (entities[original] = answered[j]));
          for (const e of response.errors ?? []) errors.push(this.ownError(e, partnerId, indexes));
          logger.debug({ kind, partner: partnerId, items: indexes.length, ms: Math.round(performance.now() - started) }, "partner fetch");
        } catch (e) {
          const reason = e instanceof PartnerCallError ? e.message : "failed";
          logger.warn({ kind, partner: partnerId, items: indexes.length, reason, ms: Math.round(performance.now() - started) }, "partner unavailable");
          errors.push({
            message: `Partner "${partnerId}" is unavailable: ${reason}`,
            path: ["_entities", indexes[0]!],
            extensions: { code: ErrorCode.PARTNER_UNAVAILABLE, partner: partnerId, items: indexes.length },
          });
        }
      }),
    );
    return errors.length > 0 ? { data: { _entities: entities }, errors } : { data: { _entities: entities } };
  }

  /** A partner's own error: its `_entities` index is moved back to the original batch position. */
  private ownError(error: GraphQLFormattedError, partner: string, indexes: number[]): GraphQLFormattedError {
    const path = error.path ? [...error.path] : undefined;
    if (path && path[0] === "_entities" && typeof path[1] === "number") path[1] = indexes[path[1]] ?? path[1];
    return { ...error, ...(path ? { path } : {}), extensions: { ...error.extensions, partner } };
  }
}

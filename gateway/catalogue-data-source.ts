// The gateway's transport for the national catalogue: one service, found in the registry on every
// request so that moving it takes effect without a restart.
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import type { GatewayGraphQLResponse } from "@apollo/server-gateway-interface";
import type { Logger } from "pino";
import type { Registry } from "../lib/registry/registry.ts";
import { callPartner, type PartnerRequest } from "../lib/partner-client.ts";
import type { IdentitySigner } from "../lib/auth/internal-tokens.ts";
import { alreadyRefused, type ByteBudget } from "../lib/admission.ts";
import { budgetOf, identityOf, mayShareInflight } from "./owner-routing-data-source.ts";
import { partnerFailure } from "./partner-errors.ts";
import type { Identity } from "../lib/auth/identity.ts";

export class CatalogueDataSource implements GraphQLDataSource {
  constructor(
    private readonly options: { registry: () => Registry; timeoutMs: number; logger: Logger; signer?: IdentitySigner },
  ) {}

  async process(processOptions: GraphQLDataSourceProcessOptions): Promise<GatewayGraphQLResponse> {
    const { request } = processOptions;
    return this.send(
      { query: request.query!, variables: request.variables, operationName: request.operationName },
      identityOf(processOptions),
      mayShareInflight(processOptions),
      budgetOf(processOptions),
    );
  }

  /** A root fetch of a read, outside a plan's execution (gateway/single-fetch.ts): it may share an identical call in flight. */
  fetchRoot(request: PartnerRequest, identity: Identity, budget?: ByteBudget): Promise<GatewayGraphQLResponse> {
    return this.send(request, identity, true, budget);
  }

  private async send(
    request: PartnerRequest,
    identity: Identity,
    shareInflight: boolean,
    budget: ByteBudget | undefined,
  ): Promise<GatewayGraphQLResponse> {
    const refused = alreadyRefused(budget);
    if (refused) return refused;
    const catalogue = this.options.registry().catalogue();
    const headers = this.options.signer ? await this.options.signer.headers(identity, catalogue.id) : {};
    try {
      // The catalogue only serves reads (search, directory, vocabulary): the read deadline.
      return await callPartner(catalogue.url, request, this.options.timeoutMs, headers, {
        shareInflight,
        budget,
        deadline: "read",
      });
    } catch (e) {
      return {
        errors: [
          partnerFailure(e, {
            partner: catalogue.id,
            logger: this.options.logger,
            log: {},
            event: "catalogue unavailable",
          }),
        ],
      };
    }
  }
}

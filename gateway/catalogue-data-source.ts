// The gateway's transport for the national catalogue: one service, found in the registry on every
// request so that moving it takes effect without a restart.
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import type { GatewayGraphQLResponse } from "@apollo/server-gateway-interface";
import type { Logger } from "pino";
import type { Registry } from "../schema/registry.ts";
import { ErrorCode } from "../lib/errors.ts";
import { callPartner, PartnerCallError, type PartnerRequest } from "../lib/partner-client.ts";
import type { IdentitySigner } from "../lib/auth/internal-tokens.ts";
import { identityOf, mayShareInflight, takePrefetched, type RootFetcher } from "./owner-routing-data-source.ts";
import type { Identity } from "../lib/auth/identity.ts";

export class CatalogueDataSource implements GraphQLDataSource, RootFetcher {
  constructor(private readonly options: { registry: () => Registry; timeoutMs: number; logger: Logger; signer?: IdentitySigner }) {}

  async process(processOptions: GraphQLDataSourceProcessOptions): Promise<GatewayGraphQLResponse> {
    const { request } = processOptions;
    return (
      takePrefetched(processOptions) ??
      this.send({ query: request.query!, variables: request.variables, operationName: request.operationName }, identityOf(processOptions), mayShareInflight(processOptions))
    );
  }

  /** A root fetch of a read (the single-fetch shortcut): it may share an identical call in flight. */
  fetchRoot(request: PartnerRequest, identity: Identity): Promise<GatewayGraphQLResponse> {
    return this.send(request, identity, true);
  }

  private async send(request: PartnerRequest, identity: Identity, shareInflight: boolean): Promise<GatewayGraphQLResponse> {
    const catalogue = this.options.registry().catalogue();
    const headers = this.options.signer ? await this.options.signer.headers(identity, catalogue.id) : {};
    try {
      return await callPartner(catalogue.url, request, this.options.timeoutMs, headers, { shareInflight });
    } catch (e) {
      const reason = e instanceof PartnerCallError ? e.message : "failed";
      this.options.logger.warn({ partner: catalogue.id, reason }, "catalogue unavailable");
      return {
        errors: [{ message: `Partner "${catalogue.id}" is unavailable: ${reason}`, extensions: { code: ErrorCode.PARTNER_UNAVAILABLE, partner: catalogue.id } }],
      };
    }
  }
}

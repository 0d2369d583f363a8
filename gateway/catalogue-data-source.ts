// The gateway's transport for the national catalogue: one service, found in the registry on every
// request so that moving it takes effect without a restart.
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import type { GatewayGraphQLResponse } from "@apollo/server-gateway-interface";
import type { Logger } from "pino";
import type { Registry } from "../schema/registry.ts";
import { ErrorCode } from "../lib/errors.ts";
import { callPartner, PartnerCallError } from "../lib/partner-client.ts";
import type { IdentitySigner } from "../lib/auth/internal-tokens.ts";
import { identityOf, mayShareInflight } from "./owner-routing-data-source.ts";

export class CatalogueDataSource implements GraphQLDataSource {
  constructor(private readonly options: { registry: () => Registry; timeoutMs: number; logger: Logger; signer?: IdentitySigner }) {}

  async process(processOptions: GraphQLDataSourceProcessOptions): Promise<GatewayGraphQLResponse> {
    const { request } = processOptions;
    const catalogue = this.options.registry().catalogue();
    const headers = this.options.signer ? await this.options.signer.headers(identityOf(processOptions), catalogue.id) : {};
    try {
      return await callPartner(
        catalogue.url,
        { query: request.query!, variables: request.variables, operationName: request.operationName },
        this.options.timeoutMs,
        headers,
        { shareInflight: mayShareInflight(processOptions) },
      );
    } catch (e) {
      const reason = e instanceof PartnerCallError ? e.message : "failed";
      this.options.logger.warn({ partner: catalogue.id, reason }, "catalogue unavailable");
      return {
        errors: [{ message: `Partner "${catalogue.id}" is unavailable: ${reason}`, extensions: { code: ErrorCode.PARTNER_UNAVAILABLE, partner: catalogue.id } }],
      };
    }
  }
}

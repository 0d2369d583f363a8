// Builds each service's identity equipment from configuration: the gateway verifies user tokens and
// signs forwards; the catalogue signs its own (service) calls; a partner verifies forwards.
import type { Config } from "../config.ts";
import { gatewaySigningKey, gatewayVerifyKey, userKeySource, type IdentityConfig } from "./keys.ts";
import { IdentitySigner, IdentityVerifier } from "./internal-tokens.ts";
import { userTokenVerifier, type UserTokenVerifier } from "./user-tokens.ts";

export type UnsignedPolicy = "reject" | "read-only";

/** What a partner needs: the gateway's public key and what to do with unsigned requests. */
export interface PartnerAuth {
  verifier: IdentityVerifier;
  unsigned: UnsignedPolicy;
  /** The national catalogue signs its harvest and schema-check calls to other partners. */
  signer?: IdentitySigner;
}

export interface GatewayAuth {
  users: UserTokenVerifier;
  signer: IdentitySigner;
}

export function unsignedPolicy(config: Pick<Config, "NODE_ENV" | "SUBGRAPH_UNSIGNED">): UnsignedPolicy {
  return config.SUBGRAPH_UNSIGNED ?? (config.NODE_ENV === "production" ? "reject" : "read-only");
}

export function partnerAuth(config: IdentityConfig, partnerId: string, signs: boolean): PartnerAuth {
  return {
    verifier: new IdentityVerifier(gatewayVerifyKey(config), partnerId),
    unsigned: unsignedPolicy(config),
    ...(signs ? { signer: new IdentitySigner(gatewaySigningKey(config)) } : {}),
  };
}

export function gatewayAuth(config: IdentityConfig): GatewayAuth {
  return {
    users: userTokenVerifier(userKeySource(config), { audience: config.AUTH_AUDIENCE, issuer: config.AUTH_ISSUER }),
    signer: new IdentitySigner(gatewaySigningKey(config)),
  };
}


// Builds each service's identity equipment from configuration: the gateway verifies user tokens and
// signs forwards; the catalogue signs its own (service) calls with its own key and verifies the
// admin tokens that may start a harvest; a partner verifies forwards from both.
import type { Config } from "../config.ts";
import {
  catalogueSigningKey,
  catalogueVerifyKey,
  gatewaySigningKey,
  gatewayVerifyKey,
  userKeySource,
  userTokenRules,
  type IdentityConfig,
} from "./keys.ts";
import { IdentitySigner, IdentityVerifier } from "./internal-tokens.ts";
import { userTokenVerifier, type UserTokenVerifier } from "./user-tokens.ts";

export type UnsignedPolicy = "reject" | "read-only";

/** What a partner needs: the gateway's and the catalogue's public keys and what to do with unsigned requests. */
export interface PartnerAuth {
  verifier: IdentityVerifier;
  unsigned: UnsignedPolicy;
  /** The national catalogue signs its harvest and schema-check calls to other partners (its own key). */
  signer?: IdentitySigner;
  /** The national catalogue verifies the user tokens of admins who ask it to harvest (POST /admin/harvest). */
  users?: UserTokenVerifier;
}

export interface GatewayAuth {
  users: UserTokenVerifier;
  signer: IdentitySigner;
}

export function unsignedPolicy(config: Pick<Config, "NODE_ENV" | "SUBGRAPH_UNSIGNED">): UnsignedPolicy {
  return config.SUBGRAPH_UNSIGNED ?? (config.NODE_ENV === "production" ? "reject" : "read-only");
}

function users(config: IdentityConfig): UserTokenVerifier {
  return userTokenVerifier(userKeySource(config), userTokenRules(config));
}

/** `catalogue`: this process is the national catalogue (it signs with its own key and checks admins). */
export function partnerAuth(config: IdentityConfig, partnerId: string, catalogue: boolean): PartnerAuth {
  return {
    verifier: new IdentityVerifier(
      { gateway: gatewayVerifyKey(config), catalogue: catalogueVerifyKey(config) },
      partnerId,
    ),
    unsigned: unsignedPolicy(config),
    ...(catalogue
      ? { signer: new IdentitySigner(catalogueSigningKey(config), "catalogue"), users: users(config) }
      : {}),
  };
}

export function gatewayAuth(config: IdentityConfig): GatewayAuth {
  return { users: users(config), signer: new IdentitySigner(gatewaySigningKey(config)) };
}

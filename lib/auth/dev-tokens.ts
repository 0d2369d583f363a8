// Issues user tokens signed with a shared HS256 secret: `npm run token` and the tests use it to act
// as a user of an organisation. Real deployments take tokens from their identity provider (the
// gateway verifies those with AUTH_PUBLIC_KEY or AUTH_JWKS_URL); nothing here runs in production.
import { SignJWT } from "jose";
import { createSecretKey } from "node:crypto";
import type { Role } from "../../schema/roles.ts";
import type { Config } from "../config.ts";
import { loadDevKeys } from "./keys.ts";

export interface TokenClaims {
  user: string;
  organisation: string;
  roles: Role[];
}

/** The issuer of development tokens when AUTH_ISSUER names none (every user token carries one). */
export const DEV_TOKEN_ISSUER = "dev-tokens";

export interface TokenOptions {
  secret: string;
  audience: string;
  /** Default DEV_TOKEN_ISSUER. */
  issuer?: string;
  /** Lifetime, e.g. "8h" or a number of seconds; negative for an already expired token (tests). */
  expiresIn?: string | number;
}

export function issueToken(claims: TokenClaims, options: TokenOptions): Promise<string> {
  const jwt = new SignJWT({ org: claims.organisation, roles: claims.roles })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(claims.user)
    .setAudience(options.audience)
    .setIssuedAt();
  jwt.setIssuer(options.issuer ?? DEV_TOKEN_ISSUER);
  // Always an expiry: the gateway refuses tokens without one.
  const expires = options.expiresIn ?? "8h";
  jwt.setExpirationTime(typeof expires === "number" ? Math.floor(Date.now() / 1000) + expires : expires);
  return jwt.sign(createSecretKey(Buffer.from(options.secret, "utf8")));
}

export class NoDevTokens extends Error {}

/**
 * A development token for this configuration (npm run harvest, npm start ask the catalogue to
 * harvest with one): signed with AUTH_JWT_SECRET, or the development secret under DATA_DIR, with
 * the configured audience and issuer. Refused in production and where an identity provider issues
 * the tokens: there, ask it for one.
 */
export function devToken(
  config: Pick<
    Config,
    "NODE_ENV" | "DATA_DIR" | "AUTH_JWT_SECRET" | "AUTH_PUBLIC_KEY" | "AUTH_JWKS_URL" | "AUTH_AUDIENCE" | "AUTH_ISSUER"
  >,
  claims: TokenClaims,
  expiresIn: string | number = "10m",
): Promise<string> {
  if (config.NODE_ENV === "production")
    throw new NoDevTokens("development tokens are refused when NODE_ENV=production");
  if (config.AUTH_PUBLIC_KEY || config.AUTH_JWKS_URL)
    throw new NoDevTokens("tokens come from the identity provider (AUTH_PUBLIC_KEY / AUTH_JWKS_URL)");
  const secret = config.AUTH_JWT_SECRET ?? loadDevKeys(config.DATA_DIR).authSecret;
  return issueToken(claims, { secret, audience: config.AUTH_AUDIENCE, issuer: config.AUTH_ISSUER, expiresIn });
}

// Issues user tokens signed with a shared HS256 secret: `npm run token` and the tests use it to act
// as a user of an organisation. Real deployments take tokens from their identity provider (the
// gateway verifies those with AUTH_PUBLIC_KEY or AUTH_JWKS_URL); nothing here runs in production.
import { SignJWT } from "jose";
import { createSecretKey } from "node:crypto";
import type { Role } from "../../schema/roles.ts";

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

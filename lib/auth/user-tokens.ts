// Verifies the bearer tokens callers present to the gateway (JWT, checked with jose): signature,
// an expiry (`exp` is required, and at most `maxLifetimeS` after `iat`), an `iat` not in the future,
// audience and (when configured; always in production) issuer; then the claims this catalogue
// needs: an issuer and a subject (together with the organisation they name the user), an
// organisation it knows, and roles from schema/roles.ts. A bad token is refused outright rather
// than read as anonymous: a caller whose token expired must be told, not silently shown less.
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from "jose";
import type { KeyObject } from "node:crypto";
import { z } from "zod";
import { ROLES } from "../../schema/roles.ts";
import organisations from "../../schema/organisations.json" with { type: "json" };
import type { UserIdentity } from "./identity.ts";
import type { UserKeySource } from "./keys.ts";

const organisationIds = new Set(organisations.organisations.map((o) => o.id));

const claims = z.object({
  iss: z.string().min(1).max(300),
  sub: z.string().min(1).max(200),
  org: z.string().refine((o) => organisationIds.has(o), "unknown organisation"),
  roles: z.array(z.enum(ROLES)).max(10).default([]),
});

export class TokenError extends Error {
  constructor(
    message: string,
    /** Why, in one word, for the error's extensions and the logs. */
    readonly reason:
      "missing" | "malformed" | "expired" | "lifetime" | "future" | "signature" | "audience" | "issuer" | "claims",
  ) {
    super(message);
  }
}

export interface UserTokenVerifier {
  /** The identity in an `Authorization: Bearer ...` header; undefined when there is no header. */
  verify(authorization: string | undefined): Promise<UserIdentity | undefined>;
}

export interface UserTokenRules {
  audience: string;
  /** When set, `iss` must be this (lib/keys.ts requires it in production). */
  issuer?: string;
  /** Longest accepted lifetime (exp − iat), seconds. Default: AUTH_MAX_TOKEN_LIFETIME_S's, 12 h. */
  maxLifetimeS?: number;
  /** Tolerated clock difference, seconds. Default: AUTH_CLOCK_SKEW_S's, 60 s. */
  clockSkewS?: number;
}

export function userTokenVerifier(source: UserKeySource, options: UserTokenRules): UserTokenVerifier {
  const maxLifetimeS = options.maxLifetimeS ?? 43_200;
  const clockSkewS = options.clockSkewS ?? 60;
  let key: KeyObject | JWTVerifyGetKey;
  let algorithms: string[];
  if (source.kind === "jwks") {
    key = createRemoteJWKSet(new URL(source.url));
    algorithms = ["RS256", "PS256", "ES256", "EdDSA"];
  } else if (source.kind === "secret") {
    key = source.key;
    algorithms = ["HS256"];
  } else {
    key = source.key;
    algorithms = ["RS256", "PS256", "ES256", "ES384", "EdDSA"];
  }
  return {
    async verify(authorization) {
      if (authorization === undefined || authorization === "") return undefined;
      const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/i.exec(authorization.trim());
      if (!match) throw new TokenError("The Authorization header must be `Bearer <token>`", "malformed");
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtVerify(match[1]!, key as KeyObject, {
          audience: options.audience,
          issuer: options.issuer,
          algorithms,
          requiredClaims: ["exp"],
          clockTolerance: clockSkewS,
        }));
      } catch (e) {
        throw toTokenError(e);
      }
      // jose checks iat only against a maximum age; a token "issued" in the future would outlive
      // its stated lifetime, so it is refused here, as is a lifetime above the maximum.
      const now = Math.floor(Date.now() / 1000);
      const iat = typeof payload.iat === "number" ? payload.iat : undefined;
      if (iat !== undefined && iat > now + clockSkewS)
        throw new TokenError("The token's iat (issued at) is in the future", "future");
      if ((payload.exp as number) - (iat ?? now) > maxLifetimeS) {
        throw new TokenError(
          `The token lives longer than the ${maxLifetimeS} s this gateway accepts (exp − iat)`,
          "lifetime",
        );
      }
      const parsed = claims.safeParse(payload);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new TokenError(`The token's claim ${issue.path.join(".") || "?"} is invalid: ${issue.message}`, "claims");
      }
      return {
        kind: "user",
        issuer: parsed.data.iss,
        organisation: parsed.data.org,
        user: parsed.data.sub,
        roles: parsed.data.roles,
      };
    },
  };
}

function toTokenError(e: unknown): TokenError {
  if (e instanceof errors.JWTExpired) return new TokenError("The token has expired", "expired");
  if (e instanceof errors.JWTClaimValidationFailed) {
    if (e.claim === "aud") return new TokenError("The token was issued for another audience", "audience");
    if (e.claim === "iss") return new TokenError("The token was issued by an unknown issuer", "issuer");
    if (e.claim === "exp") return new TokenError("The token must carry an expiry (exp)", "claims");
    return new TokenError(`The token's ${e.claim} claim is invalid`, "claims");
  }
  if (e instanceof errors.JWSSignatureVerificationFailed || e instanceof errors.JWKSNoMatchingKey) {
    return new TokenError("The token's signature is not valid", "signature");
  }
  return new TokenError("The token is not a valid JWT", "malformed");
}

// Who is calling this partner, from the gateway's (or the national catalogue's) signed forward
// (lib/auth/internal-tokens.ts). An unsigned request is refused (401) or, for local testing, served
// as an anonymous read: it can never write, because writes check `signed` and `by`.
import type { IncomingMessage } from "node:http";
import { GraphQLError } from "graphql";
import { ANONYMOUS, type Identity } from "../../lib/auth/identity.ts";
import { IDENTITY_HEADER, type ForwardSigner } from "../../lib/auth/internal-tokens.ts";
import type { PartnerAuth } from "../../lib/auth/setup.ts";
import { ErrorCode } from "../../lib/errors.ts";

export interface Caller {
  identity: Identity;
  /** True when the identity was signed (by the gateway or the catalogue) for this partner. */
  signed: boolean;
  /** Who signed: only the gateway's forwards may write; the catalogue's are limited to lib/auth/catalogue-scope.ts. */
  by?: ForwardSigner;
}

export const UNSIGNED_ANONYMOUS: Caller = { identity: ANONYMOUS, signed: false };

export async function callerOf(req: IncomingMessage, auth: PartnerAuth | undefined): Promise<Caller> {
  if (!auth) return UNSIGNED_ANONYMOUS;
  const check = await auth.verifier.check(req.headers[IDENTITY_HEADER]);
  if (check.signed) return { identity: check.identity, signed: true, by: check.by };
  if (auth.unsigned === "reject") {
    throw new GraphQLError(
      `This partner only answers requests that come through the national gateway: ${check.reason}`,
      {
        extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } },
      },
    );
  }
  return UNSIGNED_ANONYMOUS;
}

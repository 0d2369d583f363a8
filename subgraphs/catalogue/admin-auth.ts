// Who may start a harvest (POST /admin/harvest): a national admin, that is a user token (verified
// as the gateway verifies them) with the admin role for the organisation that runs the national
// catalogue; or the gateway itself, which asks for a harvest after a write and signs the request
// as its own service call (HARVEST_NUDGE, for the catalogue's audience, valid a minute). Anyone else is refused, 401 without credentials or with a bad token,
// 403 with a token that is not a national admin's. A harvest is heavy (every partner is read), so
// it is not for anyone to start.
import type { IncomingMessage } from "node:http";
import type { PartnerAuth } from "../../lib/auth/setup.ts";
import { HARVEST_NUDGE, IDENTITY_HEADER } from "../../lib/auth/internal-tokens.ts";
import { describe, type Identity } from "../../lib/auth/identity.ts";
import { TokenError } from "../../lib/auth/user-tokens.ts";
import { ErrorCode } from "../../lib/errors.ts";
import { NATIONAL_ADMIN_ROLE } from "../../schema/roles.ts";

export type AdminCheck = { ok: true; who: string } | { ok: false; status: 401 | 403; code: string; message: string };

export async function harvestAllowed(
  req: IncomingMessage,
  auth: PartnerAuth | undefined,
  organisation: string,
): Promise<AdminCheck> {
  const refuse = (status: 401 | 403, message: string): AdminCheck => ({
    ok: false,
    status,
    code: status === 401 ? ErrorCode.UNAUTHENTICATED : ErrorCode.FORBIDDEN,
    message,
  });
  const forward = req.headers[IDENTITY_HEADER];
  if (auth && typeof forward === "string" && forward !== "") {
    const check = await auth.verifier.check(forward);
    const nudge =
      check.signed &&
      check.by === "gateway" &&
      check.identity.kind === "service" &&
      check.identity.service === HARVEST_NUDGE.service;
    if (nudge) return { ok: true, who: describe(check.identity) };
    if (!check.signed) return refuse(401, `Starting a harvest needs a national admin's token: ${check.reason}`);
  }
  const authorization = req.headers.authorization;
  if (!authorization)
    return refuse(401, "Starting a harvest needs a national admin's token: send Authorization: Bearer <token>");
  let identity: Identity | undefined;
  try {
    identity = auth?.users ? await auth.users.verify(authorization) : undefined;
  } catch (e) {
    if (!(e instanceof TokenError)) throw e;
    return refuse(401, e.message);
  }
  if (!identity) return refuse(401, "This catalogue verifies no user tokens (no identity configured)");
  if (
    identity.kind === "user" &&
    identity.organisation === organisation &&
    identity.roles.includes(NATIONAL_ADMIN_ROLE)
  )
    return { ok: true, who: describe(identity) };
  return refuse(
    403,
    `Only admins of ${organisation}, which runs the national catalogue, may start a harvest (${describe(identity)} may not)`,
  );
}

// Who is asking. The gateway builds it from a verified user token; a subgraph rebuilds it from the
// gateway's signed forward (internal-tokens.ts). Anonymous callers read published items only.
//
// A user is the triple (issuer, organisation, subject): a token's `sub` is only unique at the issuer
// that minted it, and the same person acts for one organisation per token. Everything that remembers
// a user (team and network membership, idempotency receipts, audit) stores and compares all three,
// so a user of another organisation or another issuer whose token happens to say the same `sub` is
// somebody else.
import { WRITER_ROLES, type Role } from "../../schema/roles.ts";

/** The three parts that name one user, wherever one is remembered. */
export interface UserRef {
  /** The token's issuer (`iss`). */
  issuer: string;
  /** The organisation id (schema/organisations.json) the user acts for. */
  organisation: string;
  /** The token's subject (`sub`): a stable user id at the issuer. */
  user: string;
}

export interface UserIdentity extends UserRef {
  kind: "user";
  roles: Role[];
}

export interface AnonymousIdentity {
  kind: "anonymous";
}

/** The national catalogue's own calls (harvest, schema checks): reads published items only. */
export interface ServiceIdentity {
  kind: "service";
  service: string;
}

export type Identity = UserIdentity | AnonymousIdentity | ServiceIdentity;

export const ANONYMOUS: AnonymousIdentity = { kind: "anonymous" };

export function isMemberOf(identity: Identity, organisation: string): identity is UserIdentity {
  return identity.kind === "user" && identity.organisation === organisation;
}

export function canWriteFor(identity: Identity, organisation: string): boolean {
  return isMemberOf(identity, organisation) && identity.roles.some((r) => WRITER_ROLES.includes(r));
}

/** Whether two references name the same user: all three parts must agree. */
export function sameUser(a: UserRef, b: UserRef): boolean {
  return a.issuer === b.issuer && a.organisation === b.organisation && a.user === b.user;
}

/**
 * One string per user, for keys (rate limits, idempotency receipts). Each part is length-prefixed,
 * so no choice of issuer, organisation or subject can produce another user's key.
 */
export function userKey(ref: UserRef): string {
  return [ref.issuer, ref.organisation, ref.user].map((p) => `${p.length}:${p}`).join("");
}

/** One word for logs and audit rows (the audit row also stores the issuer and subject apart). */
export function describe(identity: Identity): string {
  if (identity.kind === "user") return `${identity.user}@${identity.organisation}`;
  if (identity.kind === "service") return `service:${identity.service}`;
  return "anonymous";
}

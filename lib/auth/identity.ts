// Who is asking. The gateway builds it from a verified user token; a subgraph rebuilds it from the
// gateway's signed forward (internal-tokens.ts). Anonymous callers read published items only.
import { WRITER_ROLES, type Role } from "../../schema/roles.ts";

export interface UserIdentity {
  kind: "user";
  /** The token's subject: a stable user id at the issuer. */
  user: string;
  /** The organisation id (schema/organisations.json) the user acts for. */
  organisation: string;
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

/** One word for logs and audit rows. */
export function describe(identity: Identity): string {
  if (identity.kind === "user") return `${identity.user}@${identity.organisation}`;
  if (identity.kind === "service") return `service:${identity.service}`;
  return "anonymous";
}

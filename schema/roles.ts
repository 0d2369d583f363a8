// The roles a user token may carry, and what each allows. One list: the token command, the
// gateway's token check and every subgraph's authorisation read it from here.
export const ROLES = ["viewer", "editor", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** Roles that may create, change and delete their own organisation's items. */
export const WRITER_ROLES: readonly Role[] = ["editor", "admin"];

/** The audience user tokens must name (a token minted for another service is refused). */
export const DEFAULT_AUDIENCE = "national-improvement-catalogue";

/**
 * The role that may run the national catalogue's operations (POST /admin/harvest), held for the
 * organisation that runs the catalogue (its registry entry's `organisation`): a national admin.
 */
export const NATIONAL_ADMIN_ROLE: Role = "admin";

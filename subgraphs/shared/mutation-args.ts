// Argument handling every partner's mutation resolvers share: zod parsing that names the offending
// path, and a global id that must name an item of this very partner.
import type { z } from "zod";
import { GraphQLError } from "graphql";
import { parseId } from "../../schema/ids.ts";
import type { PartnerKind } from "../../schema/kinds.ts";
import type { Partner } from "../../lib/registry/registry.ts";
import { badInput, ErrorCode, fromZod } from "../../lib/errors.ts";

export function parseArg<T extends z.ZodType>(schema: T, value: unknown, arg: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw fromZod(parsed.error, arg);
  return parsed.data;
}

/** The local id in a global id of this partner and kind, or BAD_USER_INPUT naming `arg`. */
export function ownLocalId(id: unknown, kind: PartnerKind, partner: Partner, arg = "id"): string {
  const parsed = typeof id === "string" ? parseId(id) : undefined;
  if (!parsed || parsed.kind !== kind) throw badInput(`Invalid ${arg}: not a ${kind} id`, [arg]);
  if (parsed.partner !== partner.id)
    throw badInput(`Invalid ${arg}: ${id} belongs to partner ${parsed.partner}, not ${partner.id}`, [arg]);
  return parsed.local;
}

export function notFound(what: string, id: string): GraphQLError {
  return new GraphQLError(`No ${what} ${id}`, { extensions: { code: ErrorCode.NOT_FOUND } });
}

/** A new local id: readable from the title, unique by a random suffix. */
export function newLocalId(title: string): string {
  const slug = title
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);
  const suffix = crypto.randomUUID().slice(0, 8);
  return slug ? `${slug}-${suffix}` : suffix;
}

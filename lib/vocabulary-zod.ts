// zod schemas for the shared vocabulary and for contract enums, so that every edge (seed files,
// mutations, search filters) validates against the one definition in schema/.
import { z } from "zod";
import { DRIVER_IDS, REGION_IDS, SETTING_IDS, TOPIC_IDS } from "../schema/vocabulary.ts";
import { contractEnum } from "../schema/contracts.ts";
import type { Kind } from "../schema/kinds.ts";
import { isStorableText, UNSTORABLE_TEXT_MESSAGE } from "./text-zod.ts";
import organisations from "../schema/organisations.json" with { type: "json" };

export const topicId = z.enum(TOPIC_IDS);
export const driverId = z.enum(DRIVER_IDS);
export const settingId = z.enum(SETTING_IDS);
export const regionId = z.enum(REGION_IDS);
export const organisationId = z.enum(organisations.organisations.map((o) => o.id) as [string, ...string[]], {
  message: "unknown organisation id (see schema/organisations.json)",
});

/** A zod enum of the values a contract declares for `name`. */
export const contractEnumOf = (kind: Kind, name: string) => z.enum(contractEnum(kind, name));

/** A calendar date, YYYY-MM-DD, that exists. */
export const isoDate = z.iso.date();
export const isoDateTime = z.iso.datetime({ offset: true });
// The URL parser accepts a NUL or a lone surrogate in the path and zod returns the text unchanged:
// refused like any other text the database cannot store.
export const httpUrl = z
  .url({ protocol: /^https?$/ })
  .max(2048)
  .refine(isStorableText, UNSTORABLE_TEXT_MESSAGE);
export const localId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$/, "local ids are 1-80 letters, digits, '-' or '_'");

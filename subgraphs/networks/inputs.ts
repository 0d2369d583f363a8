// The edge of a networks partner's writes: mutation arguments validated with zod against the
// shared vocabulary (schema/), so a bad value is a BAD_USER_INPUT naming its path, never a row.
import { z } from "zod";
import { contractEnumOf, httpUrl, isoDateTime, regionId } from "../../lib/vocabulary-zod.ts";
import { optionalText, text } from "../../lib/text-zod.ts";
import { itemCreateFields, itemFields, updateInput } from "../shared/inputs.ts";

const fields = {
  ...itemFields,
  type: contractEnumOf("networks", "NetworkType"),
  region: regionId.nullable(),
  website: httpUrl.nullable(),
  howToJoin: optionalText(2000),
  meets: optionalText(300),
};

export const createNetworkInput = z
  .object({
    ...fields,
    ...itemCreateFields,
    region: fields.region.optional(),
    website: fields.website.optional(),
    howToJoin: fields.howToJoin.optional(),
    meets: fields.meets.optional(),
  })
  .strict();

/** Title and type cannot be cleared (they are not nullable). */
export const updateNetworkInput = updateInput(fields);

export const eventInput = z
  .object({
    title: text(300),
    description: optionalText(5000).optional(),
    startsAt: isoDateTime,
    endsAt: isoDateTime.nullable().optional(),
    format: contractEnumOf("networks", "EventFormat"),
    location: optionalText(300).optional(),
    attendance: z.number().int().nonnegative().max(1_000_000).nullable().optional(),
  })
  .strict()
  .refine((e) => !e.endsAt || Date.parse(e.endsAt) >= Date.parse(e.startsAt), {
    message: "must not be before startsAt",
    path: ["endsAt"],
  });

export const joinNetworkInput = z
  .object({
    name: text(200),
    role: optionalText(200).optional(),
    expertise: z.array(text(100)).max(20, "at most 20 values").default([]),
    offersCoaching: z.boolean().nullable().optional(),
    offersDataAnalysis: z.boolean().nullable().optional(),
  })
  .strict();

export type CreateNetworkInput = z.infer<typeof createNetworkInput>;
export type EventInput = z.infer<typeof eventInput>;
export type JoinNetworkInput = z.infer<typeof joinNetworkInput>;

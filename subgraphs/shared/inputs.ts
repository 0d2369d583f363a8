// Zod pieces every partner kind's inputs.ts uses (the strings themselves: lib/text-zod.ts).
import { z } from "zod";
import { driverId, settingId, topicId } from "../../lib/vocabulary-zod.ts";
import { optionalText, text } from "../../lib/text-zod.ts";

/** A list argument of vocabulary ids or enum values: bounded, so one write cannot grow a row without end. */
export const list = <T extends z.ZodType>(item: T) => z.array(item).max(30, "at most 30 values");

/** The fields every item kind's create and update inputs share, as an update takes them. */
export const itemFields = {
  title: text(300),
  summary: optionalText(2000),
  topics: list(topicId),
  settings: list(settingId),
  drivers: list(driverId),
};

/** The same fields as a create takes them: the summary may be absent, the lists default to none. */
export const itemCreateFields = {
  ...itemFields,
  summary: itemFields.summary.optional(),
  topics: itemFields.topics.default([]),
  settings: itemFields.settings.default([]),
  drivers: itemFields.drivers.default([]),
};

/** An update input: absent keys keep their value, null clears an optional field, and one key at least. */
export function updateInput<S extends z.ZodRawShape>(fields: S) {
  return z
    .object(fields)
    .partial()
    .strict()
    .refine((o) => Object.keys(o).length > 0, "give at least one field to change");
}

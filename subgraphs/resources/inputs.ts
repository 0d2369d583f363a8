// The edge of a resources partner's writes: mutation arguments validated with zod against the
// shared vocabulary (schema/), so a bad value is a BAD_USER_INPUT naming its path, never a row.
import { z } from "zod";
import {
  contractEnumOf,
  driverId,
  httpUrl,
  isoDate,
  organisationId,
  settingId,
  topicId,
} from "../../lib/vocabulary-zod.ts";
import { optionalText, storableString, text } from "../../lib/text-zod.ts";
import { list } from "../shared/inputs.ts";
import { licenceId } from "../../schema/licences.ts";

const fields = {
  title: text(300),
  summary: optionalText(2000),
  kind: contractEnumOf("resources", "ResourceKind"),
  url: httpUrl.nullable(),
  publisher: organisationId.nullable(),
  body: storableString().max(20_000, "must be at most 20000 characters").nullable(),
  topics: list(topicId),
  drivers: list(driverId),
  settings: list(settingId),
  audience: list(contractEnumOf("resources", "Audience")),
  publishedOn: isoDate.nullable(),
  licence: licenceId.nullable(),
};

export const createResourceInput = z
  .object({
    ...fields,
    summary: fields.summary.optional(),
    url: fields.url.optional(),
    publisher: fields.publisher.optional(),
    body: fields.body.optional(),
    topics: fields.topics.default([]),
    drivers: fields.drivers.default([]),
    settings: fields.settings.default([]),
    audience: fields.audience.default([]),
    publishedOn: fields.publishedOn.optional(),
    licence: fields.licence.optional(),
  })
  .strict();

/** Absent keys keep their value; null clears an optional field (title and kind cannot be cleared). */
export const updateResourceInput = z
  .object({
    title: fields.title.optional(),
    kind: fields.kind.optional(),
    summary: fields.summary.optional(),
    url: fields.url.optional(),
    publisher: fields.publisher.optional(),
    body: fields.body.optional(),
    topics: fields.topics.optional(),
    drivers: fields.drivers.optional(),
    settings: fields.settings.optional(),
    audience: fields.audience.optional(),
    publishedOn: fields.publishedOn.optional(),
    licence: fields.licence.optional(),
  })
  .strict()
  .refine((o) => Object.keys(o).length > 0, "give at least one field to change");

export type CreateResourceInput = z.infer<typeof createResourceInput>;
export type UpdateResourceInput = z.infer<typeof updateResourceInput>;

// The edge of a resources partner's writes: mutation arguments validated with zod against the
// shared vocabulary (schema/), so a bad value is a BAD_USER_INPUT naming its path, never a row.
import { z } from "zod";
import { contractEnumOf, httpUrl, isoDate, organisationId } from "../../lib/vocabulary-zod.ts";
import { storableString } from "../../lib/text-zod.ts";
import { itemCreateFields, itemFields, list, updateInput } from "../shared/inputs.ts";
import { licenceId } from "../../schema/licences.ts";

const fields = {
  ...itemFields,
  kind: contractEnumOf("resources", "ResourceKind"),
  url: httpUrl.nullable(),
  publisher: organisationId.nullable(),
  body: storableString().max(20_000, "must be at most 20000 characters").nullable(),
  audience: list(contractEnumOf("resources", "Audience")),
  publishedOn: isoDate.nullable(),
  licence: licenceId.nullable(),
};

export const createResourceInput = z
  .object({
    ...fields,
    ...itemCreateFields,
    url: fields.url.optional(),
    publisher: fields.publisher.optional(),
    body: fields.body.optional(),
    audience: fields.audience.default([]),
    publishedOn: fields.publishedOn.optional(),
    licence: fields.licence.optional(),
  })
  .strict();

/** Title and kind cannot be cleared (they are not nullable). */
export const updateResourceInput = updateInput(fields);

export type CreateResourceInput = z.infer<typeof createResourceInput>;

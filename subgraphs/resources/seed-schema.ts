// The shape of a resources partner's seed file (subgraphs/resources/seed/<partner>.json).
import { z } from "zod";
import { contractEnumOf, httpUrl, isoDate, organisationId } from "../../lib/vocabulary-zod.ts";
import { itemSeedFields } from "../shared/seed-fields.ts";

export const resourceSeed = z
  .object({
    ...itemSeedFields,
    kind: contractEnumOf("resources", "ResourceKind"),
    url: httpUrl.optional(),
    publisher: organisationId.optional(),
    body: z.string().max(20000).default(""),
    audience: z.array(contractEnumOf("resources", "Audience")).default([]),
    publishedOn: isoDate.optional(),
    status: contractEnumOf("resources", "PublicationStatus").default("PUBLISHED"),
  })
  .strict();

export const resourcesSeedFile = z.object({ resources: z.array(resourceSeed) }).strict();
export type ResourcesSeed = z.infer<typeof resourcesSeedFile>;

// The shape of a resources partner's seed file (subgraphs/resources/seed/<partner>.json).
import { z } from "zod";
import {
  contractEnumOf,
  driverId,
  httpUrl,
  isoDate,
  localId,
  organisationId,
  settingId,
  topicId,
} from "../../lib/vocabulary-zod.ts";

export const resourceSeed = z
  .object({
    local: localId,
    title: z.string().min(1).max(300),
    summary: z.string().max(2000),
    kind: contractEnumOf("resources", "ResourceKind"),
    url: httpUrl.optional(),
    publisher: organisationId.optional(),
    body: z.string().max(20000).default(""),
    topics: z.array(topicId).default([]),
    drivers: z.array(driverId).default([]),
    settings: z.array(settingId).default([]),
    audience: z.array(contractEnumOf("resources", "Audience")).default([]),
    publishedOn: isoDate.optional(),
    status: contractEnumOf("resources", "PublicationStatus").default("PUBLISHED"),
  })
  .strict();

export const resourcesSeedFile = z.object({ resources: z.array(resourceSeed) }).strict();
export type ResourcesSeed = z.infer<typeof resourcesSeedFile>;

// The shape of a networks partner's seed file (subgraphs/networks/seed/<partner>.json).
import { z } from "zod";
import { globalIdOf } from "../../schema/ids.ts";
import { contractEnumOf, httpUrl, isoDateTime, organisationId, regionId } from "../../lib/vocabulary-zod.ts";
import { itemSeedFields } from "../shared/seed-fields.ts";

export const memberSeed = z
  .object({
    name: z.string().min(1).max(200),
    role: z.string().max(200).optional(),
    organisation: organisationId.optional(),
    expertise: z.array(z.string().min(1).max(100)).default([]),
    offersCoaching: z.boolean().default(false),
    offersDataAnalysis: z.boolean().default(false),
  })
  .strict();

export const eventSeed = z
  .object({
    title: z.string().min(1).max(300),
    description: z.string().max(5000).optional(),
    startsAt: isoDateTime,
    endsAt: isoDateTime.optional(),
    format: contractEnumOf("networks", "EventFormat"),
    location: z.string().max(300).optional(),
    attendance: z.number().int().nonnegative().optional(),
  })
  .strict();

export const networkSeed = z
  .object({
    ...itemSeedFields,
    type: contractEnumOf("networks", "NetworkType"),
    region: regionId,
    website: httpUrl.optional(),
    howToJoin: z.string().max(2000).optional(),
    meets: z.string().max(300).optional(),
    members: z.array(memberSeed).default([]),
    events: z.array(eventSeed).default([]),
    linkedNetworks: z.array(globalIdOf("networks")).default([]),
  })
  .strict();

export const networksSeedFile = z.object({ networks: z.array(networkSeed) }).strict();
export type NetworksSeed = z.infer<typeof networksSeedFile>;

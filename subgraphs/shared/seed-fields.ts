// Zod pieces every partner kind's seed-schema.ts uses: the fields all items have in a seed file.
import { z } from "zod";
import { driverId, localId, settingId, topicId } from "../../lib/vocabulary-zod.ts";

/** An item's local id, title and summary, and its shared vocabulary lists (none when absent). */
export const itemSeedFields = {
  local: localId,
  title: z.string().min(1).max(300),
  summary: z.string().max(2000),
  topics: z.array(topicId).default([]),
  settings: z.array(settingId).default([]),
  drivers: z.array(driverId).default([]),
};

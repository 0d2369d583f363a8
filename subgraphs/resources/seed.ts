// Fills an empty resources database from subgraphs/resources/seed/<partner>.json, if there is one.
// A database whose resources were all deleted (it holds tombstones) is not empty: it is not reseeded.
import type { PrismaClient } from "./generated/prisma/client.ts";
import type { OpenedDatabase } from "../../lib/db/open.ts";
import type { Partner } from "../../lib/registry/registry.ts";
import { readSeedFile } from "../shared/seed-file.ts";
import { day } from "../shared/values.ts";
import { resourcesSeedFile } from "./seed-schema.ts";
import { createResources } from "./data/resources.ts";

export async function seedResources(db: OpenedDatabase<PrismaClient>, partner: Partner): Promise<number> {
  if ((await db.prisma.resource.count()) > 0 || (await db.prisma.tombstone.count()) > 0) return 0;
  const seed = readSeedFile("resources", partner.id, resourcesSeedFile);
  if (!seed) return 0;
  await createResources(
    db.prisma,
    seed.resources.map(({ publisher, publishedOn, ...r }) => ({
      ...r,
      publisherId: publisher,
      publishedOn: day(publishedOn),
    })),
  );
  return seed.resources.length;
}

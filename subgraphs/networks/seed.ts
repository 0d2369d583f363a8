// Fills an empty networks database from subgraphs/networks/seed/<partner>.json, in one transaction.
// A database whose networks were all deleted (it holds tombstones) is not empty: it is not reseeded.
import type { PrismaClient } from "./generated/prisma/client.ts";
import type { OpenedDatabase } from "../../lib/db/open.ts";
import type { Partner } from "../../lib/registry/registry.ts";
import { readSeedFile } from "../shared/seed-file.ts";
import { networksSeedFile, type NetworksSeed } from "./seed-schema.ts";

export async function seedNetworks(db: OpenedDatabase<PrismaClient>, partner: Partner): Promise<number> {
  if ((await db.prisma.network.count()) > 0 || (await db.prisma.tombstone.count()) > 0) return 0;
  const seed = readSeedFile("networks", partner.id, networksSeedFile);
  if (!seed) return 0;
  await writeNetworks(db.prisma, seed);
  return seed.networks.length;
}

/** Writes whole networks (with their children) in one transaction; a re-created local id loses its tombstone. */
export async function writeNetworks(prisma: PrismaClient, seed: NetworksSeed): Promise<void> {
  await prisma.$transaction(async (tx) => {
    await tx.network.createMany({
      data: seed.networks.map(({ members: _m, events: _e, linkedNetworks: _l, region, ...n }) => ({
        ...n,
        regionId: region,
      })),
    });
    await tx.member.createMany({
      data: seed.networks.flatMap((n) =>
        n.members.map(({ organisation, ...m }, position) => ({
          ...m,
          organisationId: organisation,
          position,
          networkLocal: n.local,
        })),
      ),
    });
    await tx.event.createMany({
      data: seed.networks.flatMap((n) =>
        n.events.map(({ startsAt, endsAt, ...e }) => ({
          ...e,
          startsAt: new Date(startsAt),
          endsAt: endsAt ? new Date(endsAt) : undefined,
          networkLocal: n.local,
        })),
      ),
    });
    await tx.networkLink.createMany({
      data: seed.networks.flatMap((n) => n.linkedNetworks.map((linkedId) => ({ networkLocal: n.local, linkedId }))),
    });
    await tx.tombstone.deleteMany({ where: { local: { in: seed.networks.map((n) => n.local) } } });
  });
}

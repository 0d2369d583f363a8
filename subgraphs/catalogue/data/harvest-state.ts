// Per-partner harvest state: the feed cursor (so a restart resumes where it stopped), status,
// last success and item count.
import type { PrismaClient, HarvestState } from "../generated/prisma/client.ts";
import type { Partner } from "../../../lib/registry/registry.ts";
import type { Verdict } from "../../../lib/contract/checker.ts";

export type HarvestStateRow = HarvestState;

/**
 * What the Partner resolvers receive: a registry entry with its harvest state and schema verdict, or
 * (for an indexed item whose partner has left the registry) just its id, organisation and "unknown".
 */
export type PartnerView = Pick<Partner, "id" | "name" | "organisation" | "enabled"> & {
  kind: string;
  region?: string | null;
  state?: { status: string; reason: string | null; lastHarvest: Date | null; itemCount: number };
  verdict?: Verdict;
};

export async function allStates(prisma: PrismaClient): Promise<Map<string, HarvestState>> {
  return new Map((await prisma.harvestState.findMany()).map((s) => [s.partnerId, s]));
}

export async function getState(prisma: PrismaClient, partnerId: string): Promise<HarvestState | null> {
  return prisma.harvestState.findUnique({ where: { partnerId } });
}

/**
 * Moves a partner's cursor past a page just written to the index, so that a harvest that stops (crash,
 * partner failure) resumes after the last written page. One statement.
 */
export async function recordCursor(
  prisma: PrismaClient,
  partnerId: string,
  cursor: string | null,
  at: Date,
): Promise<void> {
  await prisma.harvestState.upsert({
    where: { partnerId },
    create: { partnerId, cursor, lastAttempt: at },
    update: { cursor, lastAttempt: at },
  });
}

export async function recordSuccess(
  prisma: PrismaClient,
  partnerId: string,
  cursor: string | null,
  at: Date,
): Promise<void> {
  const itemCount = await prisma.item.count({ where: { partnerId } });
  await prisma.$transaction([
    prisma.harvestState.upsert({
      where: { partnerId },
      create: { partnerId, cursor, status: "UP", reason: null, lastHarvest: at, lastAttempt: at, itemCount },
      update: { cursor, status: "UP", reason: null, lastHarvest: at, lastAttempt: at, itemCount },
    }),
    prisma.item.updateMany({ where: { partnerId, stale: true }, data: { stale: false } }),
  ]);
}

/** A failed harvest keeps the partner's items searchable, marked stale. */
export async function recordFailure(
  prisma: PrismaClient,
  partnerId: string,
  cursor: string | null,
  reason: string,
  at: Date,
): Promise<void> {
  await prisma.$transaction([
    prisma.harvestState.upsert({
      where: { partnerId },
      create: { partnerId, cursor, status: "DOWN", reason, lastAttempt: at },
      update: { cursor, status: "DOWN", reason, lastAttempt: at },
    }),
    prisma.item.updateMany({ where: { partnerId }, data: { stale: true } }),
  ]);
}

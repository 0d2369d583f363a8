// The per-request context of a networks partner: the process-wide client and fresh loaders.
import type { PrismaClient } from "./generated/prisma/client.ts";
import type { OpenedDatabase } from "../../lib/db/open.ts";
import type { Partner } from "../../schema/registry.ts";
import { networkLoaders } from "./data/networks.ts";

export interface NetworksContext {
  partner: Partner;
  prisma: PrismaClient;
  loaders: ReturnType<typeof networkLoaders>;
}

export function networksContext(db: OpenedDatabase<PrismaClient>, partner: Partner): NetworksContext {
  return { partner, prisma: db.prisma, loaders: networkLoaders(db.prisma) };
}

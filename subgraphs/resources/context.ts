// The per-request context of a resources partner: the process-wide client and fresh loaders.
import type { PrismaClient } from "./generated/prisma/client.ts";
import type { OpenedDatabase } from "../../lib/db/open.ts";
import type { Partner } from "../../schema/registry.ts";
import { resourceLoaders } from "./data/resources.ts";

export interface ResourcesContext {
  partner: Partner;
  prisma: PrismaClient;
  loaders: ReturnType<typeof resourceLoaders>;
}

export function resourcesContext(db: OpenedDatabase<PrismaClient>, partner: Partner): ResourcesContext {
  return { partner, prisma: db.prisma, loaders: resourceLoaders(db.prisma) };
}

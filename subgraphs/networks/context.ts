// The per-request context of a networks partner: the process-wide client and fresh loaders.
import type { PrismaClient } from "./generated/prisma/client.ts";
import type { OpenedDatabase } from "../../lib/db/open.ts";
import type { Partner } from "../../lib/registry/registry.ts";
import type { ServiceOptions } from "../shared/service.ts";
import type { Caller } from "../shared/caller.ts";
import { auditLoader } from "../shared/audit.ts";
import type { OwnedContext } from "../shared/owned-entity.ts";
import { networkLoaders } from "./data/networks.ts";

export interface NetworksContext extends OwnedContext {
  prisma: PrismaClient;
  loaders: ReturnType<typeof networkLoaders>;
}

export function networksContext(
  db: OpenedDatabase<PrismaClient>,
  partner: Partner,
  _options: ServiceOptions,
  caller: Caller,
): NetworksContext {
  return { partner, caller, prisma: db.prisma, loaders: networkLoaders(db.prisma), audit: auditLoader(db.prisma) };
}

// The per-request context of a resources partner: the process-wide client and fresh loaders.
import type { PrismaClient } from "./generated/prisma/client.ts";
import type { OpenedDatabase } from "../../lib/db/open.ts";
import type { Partner } from "../../lib/registry/registry.ts";
import { resourceLoaders } from "./data/resources.ts";
import type { ServiceOptions } from "../shared/service.ts";
import type { Caller } from "../shared/caller.ts";
import { auditLoader } from "../shared/audit.ts";
import type { OwnedContext } from "../shared/owned-entity.ts";

export interface ResourcesContext extends OwnedContext {
  prisma: PrismaClient;
  loaders: ReturnType<typeof resourceLoaders>;
}

export function resourcesContext(
  db: OpenedDatabase<PrismaClient>,
  partner: Partner,
  _options: ServiceOptions,
  caller: Caller,
): ResourcesContext {
  return { partner, caller, prisma: db.prisma, loaders: resourceLoaders(db.prisma), audit: auditLoader(db.prisma) };
}

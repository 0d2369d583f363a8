// The per-request context of the national catalogue.
import type { PrismaClient } from "./generated/prisma/client.ts";
import type { OpenedDatabase } from "../../lib/db/open.ts";
import type { Partner, Registry } from "../../lib/registry/registry.ts";
import type { ServiceOptions } from "../shared/service.ts";
import type { SchemaChecker } from "../../lib/contract/checker.ts";
import { itemLoaders } from "./data/items.ts";

export interface CatalogueContext {
  partner: Partner;
  db: OpenedDatabase<PrismaClient>;
  registry: Registry;
  items: ReturnType<typeof itemLoaders>;
  /** Schema checks of the partners (absent when the service runs without checks). */
  checker?: SchemaChecker;
}

export function catalogueContext(
  db: OpenedDatabase<PrismaClient>,
  partner: Partner,
  options: ServiceOptions,
): CatalogueContext {
  return { partner, db, registry: options.registry(), items: itemLoaders(db.prisma), checker: options.checker };
}

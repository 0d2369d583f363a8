// Every kind's Prisma folder by kind name, for the tools that are given a kind (npm run
// migrations:create, the migration tests). Services are given their own kind's by their definition.
import type { Kind } from "../../schema/kinds.ts";
import type { PrismaPaths } from "../../lib/db/prisma-paths.ts";
import { cataloguePrisma } from "../catalogue/prisma/paths.ts";
import { networksPrisma } from "../networks/prisma/paths.ts";
import { projectsPrisma } from "../projects/prisma/paths.ts";
import { resourcesPrisma } from "../resources/prisma/paths.ts";

export const KIND_PRISMA: Record<Kind, PrismaPaths> = {
  catalogue: cataloguePrisma,
  networks: networksPrisma,
  projects: projectsPrisma,
  resources: resourcesPrisma,
};

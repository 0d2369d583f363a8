// A kind's storage definitions, in Prisma's own layout: one folder holding `schema.prisma` and
// `migrations/`. Each kind says where its folder is (subgraphs/<kind>/prisma/paths.ts); this layer
// knows the layout, never the kinds' folders.
import { fileURLToPath } from "node:url";

export interface PrismaPaths {
  schema: string;
  migrations: string;
}

/** The paths inside one Prisma folder, given as a URL ending in `/`. */
export function prismaPaths(folder: URL): PrismaPaths {
  return {
    schema: fileURLToPath(new URL("schema.prisma", folder)),
    migrations: fileURLToPath(new URL("migrations", folder)),
  };
}

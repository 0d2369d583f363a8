// This kind's Prisma schema and migrations: the folder of this file (copied beside the compiled
// file by npm run build, so the same URL holds in dist/).
import { prismaPaths } from "../../../lib/db/prisma-paths.ts";

export const projectsPrisma = prismaPaths(new URL("./", import.meta.url));

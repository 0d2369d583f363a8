// Where a kind's storage definitions live: subgraphs/<kind>/prisma/{schema.prisma,migrations}.
import { fileURLToPath } from "node:url";
import type { Kind } from "../../schema/kinds.ts";

export function kindPaths(kind: Kind): { schema: string; migrations: string } {
  const base = new URL(`../../subgraphs/${kind}/prisma/`, import.meta.url);
  return { schema: fileURLToPath(new URL("schema.prisma", base)), migrations: fileURLToPath(new URL("migrations", base)) };
}

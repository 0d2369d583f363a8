// Data access for PDSA cycles and recorded learning.
import type { PrismaClient } from "../generated/prisma/client.ts";
import { groupLoader } from "../../shared/loaders.ts";

export function cycleLoaders(prisma: PrismaClient) {
  return {
    pdsa: groupLoader(
      (locals: readonly string[]) =>
        prisma.pdsaCycle.findMany({ where: { projectLocal: { in: [...locals] } }, orderBy: { number: "asc" } }),
      (c) => c.projectLocal,
    ),
    progress: groupLoader(
      (locals: readonly string[]) =>
        prisma.progressScore.findMany({
          where: { projectLocal: { in: [...locals] } },
          orderBy: [{ recordedOn: "asc" }, { createdAt: "asc" }, { id: "asc" }],
        }),
      (p) => p.projectLocal,
    ),
    learning: groupLoader(
      (locals: readonly string[]) =>
        prisma.learning.findMany({ where: { projectLocal: { in: [...locals] } }, orderBy: { position: "asc" } }),
      (l) => l.projectLocal,
    ),
  };
}

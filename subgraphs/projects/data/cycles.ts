// Data access for PDSA cycles and recorded learning.
import type { PrismaClient } from "../generated/prisma/client.ts";
import { childLoader } from "../../shared/loaders.ts";

export function cycleLoaders(prisma: PrismaClient) {
  return {
    pdsa: childLoader("projectLocal", (where) => prisma.pdsaCycle.findMany({ where, orderBy: { number: "asc" } })),
    progress: childLoader("projectLocal", (where) =>
      prisma.progressScore.findMany({ where, orderBy: [{ recordedOn: "asc" }, { createdAt: "asc" }, { id: "asc" }] }),
    ),
    learning: childLoader("projectLocal", (where) => prisma.learning.findMany({ where, orderBy: { position: "asc" } })),
  };
}

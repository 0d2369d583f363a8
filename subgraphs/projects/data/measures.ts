// Data access for measures and their dated data points.
import type { PrismaClient } from "../generated/prisma/client.ts";
import { groupLoader } from "../../shared/loaders.ts";

export function measureLoaders(prisma: PrismaClient) {
  return {
    byProject: groupLoader(
      (locals: readonly string[]) => prisma.measure.findMany({ where: { projectLocal: { in: [...locals] } }, orderBy: [{ position: "asc" }, { name: "asc" }] }),
      (m) => m.projectLocal,
    ),
    points: groupLoader(
      (ids: readonly string[]) => prisma.dataPoint.findMany({ where: { measureId: { in: [...ids] } }, orderBy: { date: "asc" } }),
      (p) => p.measureId,
    ),
  };
}

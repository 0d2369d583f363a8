// Data access for measures and their dated data points.
import type { DataPoint, PrismaClient } from "../generated/prisma/client.ts";
import { groupLoader } from "../../shared/loaders.ts";

/**
 * All points of the given measures, oldest first, in ONE statement that returns a row per measure
 * (its points aggregated as JSON) instead of a row per point. Why: a page of 250 measures of 100
 * points is 25,000 rows, and the per-row cost of the driver and Prisma's row mapping was most of
 * the time of an analysis request (scripts/bench/analysis.ts); the aggregate reads ~5x faster.
 * JSON keeps float8 values exact (shortest round-trip digits) and nulls as nulls.
 */
async function pointsOf(prisma: PrismaClient, ids: readonly string[]): Promise<DataPoint[]> {
  const rows = await prisma.$queryRaw<{ measureId: string; points: string }[]>`
    SELECT "measureId", json_agg(json_build_array(to_char(date, 'YYYY-MM-DD'), value, note) ORDER BY date)::text AS points
    FROM "DataPoint" WHERE "measureId" = ANY(${[...ids]}::text[]) GROUP BY "measureId"`;
  return rows.flatMap((r) =>
    (JSON.parse(r.points) as [string, number, string | null][]).map(([day, value, note]) => ({
      measureId: r.measureId,
      date: new Date(`${day}T00:00:00.000Z`),
      value,
      note,
    })),
  );
}

export function measureLoaders(prisma: PrismaClient) {
  return {
    byProject: groupLoader(
      (locals: readonly string[]) => prisma.measure.findMany({ where: { projectLocal: { in: [...locals] } }, orderBy: [{ position: "asc" }, { name: "asc" }] }),
      (m) => m.projectLocal,
    ),
    points: groupLoader(
      (ids: readonly string[]) => pointsOf(prisma, ids),
      (p) => p.measureId,
    ),
  };
}

// Data access for measures and their dated data points.
import type { PrismaClient } from "../generated/prisma/client.ts";
import DataLoader from "dataloader";
import { groupLoader, MAX_BATCH } from "../../shared/loaders.ts";

/** A stored data point as the subgraph serves it: dates stay YYYY-MM-DD strings end to end. */
export interface SeriesPoint {
  date: string;
  value: number;
  note: string | null;
}

/**
 * All points of the given measures, oldest first, from MeasureSeries: ONE row per measure, kept by
 * a database trigger equal to its DataPoint rows. Why: analysis reads whole series, and reading a
 * row per point (25,000 rows for a page of 250 measures) or aggregating them on every request was
 * most of an analysis request's time (scripts/bench/analysis.ts). The JSON is already an array of
 * point objects, so parsing it is the only work: no per-point copying, grouping or Date objects.
 * JSON keeps float8 values exact (shortest round-trip digits) and nulls as nulls.
 */
export async function seriesOf(prisma: PrismaClient, ids: readonly string[]): Promise<Map<string, SeriesPoint[]>> {
  // Raw SQL: Prisma's row mapping of these long strings cost twice the query itself.
  const rows = await prisma.$queryRaw<{ measureId: string; points: string }[]>`
    SELECT "measureId", points FROM "MeasureSeries" WHERE "measureId" = ANY(${[...ids]}::text[])`;
  return new Map(rows.map((r) => [r.measureId, JSON.parse(r.points) as SeriesPoint[]]));
}

export function measureLoaders(prisma: PrismaClient) {
  return {
    byProject: groupLoader(
      (locals: readonly string[]) => prisma.measure.findMany({ where: { projectLocal: { in: [...locals] } }, orderBy: [{ position: "asc" }, { name: "asc" }] }),
      (m) => m.projectLocal,
    ),
    /** A measure's points, oldest first ([] when it has none). */
    points: new DataLoader<string, SeriesPoint[]>(
      async (ids) => {
        const series = await seriesOf(prisma, ids);
        return ids.map((id) => series.get(id) ?? []);
      },
      { maxBatchSize: MAX_BATCH },
    ),
  };
}

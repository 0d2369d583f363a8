// Data access for measures and their dated data points.
import type { PrismaClient } from "../generated/prisma/client.ts";
import DataLoader from "dataloader";
import { childLoader, MAX_BATCH } from "../../shared/loaders.ts";
import type { SqlRunner } from "../../../lib/db/migrate.ts";

/** A stored data point as the subgraph serves it: dates stay YYYY-MM-DD strings end to end. */
export interface SeriesPoint {
  date: string;
  value: number;
  note: string | null;
  /** What a rate's value was computed from; both null when not given. */
  numerator: number | null;
  denominator: number | null;
}

/** MeasureSeries.points as stored: one array per column (migration *_measure_series_columns). */
interface StoredSeries {
  d: string[];
  v: number[];
  /** Null when no point has a note. */
  n: (string | null)[] | null;
  /** Numerators and denominators (migration *_point_ratio); each null when no point has one. */
  u?: (number | null)[] | null;
  w?: (number | null)[] | null;
}

/** One stored series as points, oldest first. */
export function decodeSeries(text: string): SeriesPoint[] {
  const { d, v, n, u, w } = JSON.parse(text) as StoredSeries;
  const points = new Array<SeriesPoint>(d.length);
  for (let i = 0; i < d.length; i++)
    points[i] = {
      date: d[i]!,
      value: v[i]!,
      note: n ? n[i]! : null,
      numerator: u ? u[i]! : null,
      denominator: w ? w[i]! : null,
    };
  return points;
}

/**
 * All points of the given measures, oldest first, from MeasureSeries: ONE row per measure, kept by
 * a database trigger equal to its DataPoint rows. Why: analysis reads whole series, and reading a
 * row per point (25,000 rows for a page of 250 measures) or aggregating them on every request was
 * most of an analysis request's time (scripts/bench/analysis.ts). The series are stored as columns
 * (dates, values, notes): parsing them and building the points is the only work, with no Date
 * objects. JSON keeps float8 values exact (shortest round-trip digits) and nulls as nulls.
 *
 * Through the raw SQL runner, not Prisma: Prisma's handling of these long strings (its raw-query
 * result mapping) cost more than the query itself.
 */
export async function seriesOf(sql: SqlRunner, ids: readonly string[]): Promise<Map<string, SeriesPoint[]>> {
  const rows = await sql.query<{ measureId: string; points: string }>(
    `SELECT "measureId", points FROM "MeasureSeries" WHERE "measureId" = ANY($1::text[])`,
    [[...ids]],
  );
  return new Map(rows.map((r) => [r.measureId, decodeSeries(r.points)]));
}

export function measureLoaders(prisma: PrismaClient, sql: SqlRunner) {
  return {
    byProject: childLoader("projectLocal", (where) =>
      prisma.measure.findMany({ where, orderBy: [{ position: "asc" }, { name: "asc" }] }),
    ),
    /** A measure's points, oldest first ([] when it has none). */
    points: new DataLoader<string, SeriesPoint[]>(
      async (ids) => {
        const series = await seriesOf(sql, ids);
        return ids.map((id) => series.get(id) ?? []);
      },
      { maxBatchSize: MAX_BATCH },
    ),
  };
}

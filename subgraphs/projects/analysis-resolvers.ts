// Measure.spc and Measure.runChart: the pure analysis functions (analysis/) applied to a measure's
// points, which come through the per-request points loader, so analysis costs no extra query.
import { badInput } from "../../lib/errors.ts";
import { analyseRunChart, analyseXmr } from "./analysis/index.ts";
import type { DataPoint as Point } from "./analysis/index.ts";
import { isoDay } from "../shared/values.ts";
import type { ProjectsContext } from "./context.ts";
import type { Measure } from "./generated/prisma/client.ts";

// spc and runChart of one measure read the same loaded rows (the loader caches them per request):
// convert them once. Keyed by the rows array itself, so nothing outlives the request.
const converted = new WeakMap<object, Point[]>();

async function pointsOf(m: Measure, ctx: ProjectsContext): Promise<Point[]> {
  const rows = await ctx.measures.points.load(m.id);
  let points = converted.get(rows);
  if (!points) {
    points = rows.map((p) => ({ date: isoDay(p.date)!, value: p.value }));
    converted.set(rows, points);
  }
  return points;
}

const notAnalysed = (r: { status: string; reason: string; minimumPoints?: number }) => ({
  status: r.status,
  reason: r.reason,
  minimumPoints: r.minimumPoints ?? null,
  phases: [],
  points: [],
});

export const measureAnalysis = {
  spc: async (m: Measure, args: { phaseStarts?: string[] | null }, ctx: ProjectsContext) => {
    const phaseStarts = args.phaseStarts ?? [];
    const bad = phaseStarts.findIndex((d) => !/^\d{4}-\d{2}-\d{2}$/.test(d) || Number.isNaN(Date.parse(d)));
    if (bad >= 0) throw badInput("phaseStarts must be dates (YYYY-MM-DD)", ["phaseStarts", String(bad)]);
    const result = analyseXmr(await pointsOf(m, ctx), {
      direction: m.improvement as "INCREASE" | "DECREASE",
      target: m.target,
      phaseStarts,
    });
    if (result.status !== "OK") return notAnalysed(result);
    return {
      status: "OK",
      reason: null,
      minimumPoints: result.minimumPoints,
      variation: result.variation,
      assurance: result.assurance,
      phases: result.phases.map((p) => ({ ...p, provisional: p.belowRecommendedPoints })),
      points: result.points,
    };
  },
  runChart: async (m: Measure, args: { baselineLength?: number | null }, ctx: ProjectsContext) => {
    const points = await pointsOf(m, ctx);
    if (args.baselineLength != null && (!Number.isInteger(args.baselineLength) || args.baselineLength < 1 || args.baselineLength > points.length)) {
      throw badInput(`baselineLength must be between 1 and the number of points (${points.length})`, ["baselineLength"]);
    }
    const result = analyseRunChart(points, args.baselineLength != null ? { baselineLength: args.baselineLength } : {});
    if (result.status !== "OK") return notAnalysed(result);
    return {
      status: "OK",
      reason: null,
      minimumPoints: null,
      median: result.median,
      runs: result.runs,
      runsLower: result.runsLimits?.lower ?? null,
      runsUpper: result.runsLimits?.upper ?? null,
      ...result.signals,
      points: result.points,
    };
  },
};

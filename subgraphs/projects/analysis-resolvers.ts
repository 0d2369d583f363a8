// Measure.spc and Measure.runChart: the pure analysis functions (analysis/) applied to a measure's
// points, which come through the per-request points loader, so analysis costs no extra query.
import { Kind, type GraphQLResolveInfo } from "graphql";
import { badInput } from "../../lib/errors.ts";
import { z } from "zod";
import { analyseRunChart, analyseXmr, XMR_MIN_POINTS } from "./analysis/index.ts";
import type { DataPoint as Point, ImprovementDirection } from "./analysis/index.ts";
import type { ProjectsContext } from "./context.ts";
import { latestRate } from "./analysis/rate.ts";
import { libraryMeasure } from "../../schema/measure-library.ts";
import type { Measure } from "./generated/prisma/client.ts";
import type { AnalysisStatus, MeasureResolvers } from "./generated/graphql.ts";

/**
 * Whether the client selected `points` under this field. Why: GraphQL completes every measure of a
 * response before sending any, so per-point results returned here live until the response is
 * written; unselected, they are dropped at once and die young (a page of 250 measures holds 25,000
 * points per chart kind). The analysis itself is the same either way.
 */
function wantsPoints(info: GraphQLResolveInfo): boolean {
  return info.fieldNodes.some((node) =>
    node.selectionSet?.selections.some((s) => s.kind !== Kind.FIELD || s.name.value === "points"),
  );
}

// The loaded rows are already { date: "YYYY-MM-DD", value } points (data/measures.ts).
const pointsOf = (m: Measure, ctx: ProjectsContext): Promise<Point[]> => ctx.measures.points.load(m.id);

const isoDate = z
  .string()
  .refine((d) => /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(Date.parse(d)), "must be a date (YYYY-MM-DD)");

/** Measure.spc's arguments (schema/projects.graphql), checked before any analysis. */
const spcArgs = z.object({
  phaseStarts: z
    .array(isoDate)
    .max(100)
    .nullish()
    .transform((v) => v ?? []),
  // A frozen baseline needs one moving range at least.
  fixAfter: z.number().int().min(2).max(100_000).nullish(),
  screenMovingRanges: z
    .boolean()
    .nullish()
    .transform((v) => v ?? false),
  minimumPoints: z
    .number()
    .int()
    .min(2)
    .max(1000)
    .nullish()
    .transform((v) => v ?? XMR_MIN_POINTS),
});

const notAnalysed = (r: { status: Exclude<AnalysisStatus, "OK">; reason: string; minimumPoints?: number }) => ({
  status: r.status,
  reason: r.reason,
  minimumPoints: r.minimumPoints ?? null,
  phases: [],
  points: [],
});

export const measureAnalysis: Pick<MeasureResolvers, "spc" | "runChart" | "rate"> = {
  spc: async (m, args, ctx, info) => {
    const parsed = spcArgs.safeParse(args);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const path = issue.path.map(String);
      throw badInput(`Invalid ${path.join(".")}: ${issue.message}`, path);
    }
    const { phaseStarts, fixAfter, screenMovingRanges, minimumPoints } = parsed.data;
    const result = analyseXmr(await pointsOf(m, ctx), {
      direction: m.improvement as ImprovementDirection,
      target: m.target,
      phaseStarts,
      fixAfter,
      screenMovingRanges,
      minimumPoints,
    });
    if (result.status !== "OK") return notAnalysed(result);
    return {
      status: "OK",
      reason: null,
      minimumPoints: result.minimumPoints,
      variation: result.variation,
      assurance: result.assurance,
      iconReason: result.iconReason,
      phases: result.phases.map((p) => ({ ...p, provisional: p.belowRecommendedPoints })),
      points: wantsPoints(info) ? result.points : [],
    };
  },
  runChart: async (m, args, ctx, info) => {
    const points = await pointsOf(m, ctx);
    if (
      args.baselineLength != null &&
      (!Number.isInteger(args.baselineLength) || args.baselineLength < 1 || args.baselineLength > points.length)
    ) {
      throw badInput(`baselineLength must be between 1 and the number of points (${points.length})`, [
        "baselineLength",
      ]);
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
      points: wantsPoints(info) ? result.points : [],
    };
  },
  rate: async (m: Measure, args: { points?: number | null }, ctx: ProjectsContext) => {
    const count = args.points ?? 12;
    if (!Number.isInteger(count) || count < 1 || count > 120)
      throw badInput("points must be a whole number from 1 to 120", ["points"]);
    const rate = m.code ? libraryMeasure(m.code)?.rate : undefined;
    return rate ? latestRate(await ctx.measures.points.load(m.id), rate.per, count) : null;
  },
};

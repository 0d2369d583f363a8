// XmR (individuals and moving range) chart analysis as NHS England's "Making Data Count" (MDC)
// programme uses it ("Making Data Count: strengthening your decisions", NHS Improvement / NHS England).
//
// Sources actually checked while writing this (the stored copy of the MDC booklet could not be
// retrieved through the search tool, so where MDC is cited below the wording is from memory and is
// marked "not re-checked"):
//  - NHSRplotthedots, the NHS-R Community's R implementation of MDC "plot the dots":
//    R/ptd_spc_standard.R (limits = mean ± 2.66 × mean moving range; "close to limits" zone at
//    2/3 of that distance, i.e. 2σ), R/ptd_calculate_point_type.R (rules; points on the mean break a
//    run because their sign is 0; equal consecutive values break a trend because sign(diff) is 0),
//    R/ptd_calculate_assurance_type.R (assurance from target vs. last group's limits, strict
//    comparisons), R/geom_ptd_icon.R (variation icon = point type of the latest point).
//    https://github.com/nhs-r-community/NHSRplotthedots
//
// Deliberate choices, each explained where it is made:
//  - σ = MR̄ / 1.128 (d2 for n = 2) and the ±1σ/±2σ zones use it, as the brief asks; the process limits
//    use the conventional 2.66 × MR̄ (= 3/1.128 rounded), exactly as MDC and NHSRplotthedots do.
//  - Two-out-of-three: the Western Electric reading ("two of three consecutive points beyond 2σ on the
//    same side"); a point beyond the process limits also counts as beyond 2σ. NHSRplotthedots is
//    stricter: all three points of the window must be on the same side of the mean, and points outside
//    the limits do not count towards the two (R/ptd_calculate_point_type.R, R/ptd_spc_standard.R).
//  - Trend points are classed by the trend's direction (a falling trend is an improvement when lower
//    is better), other rules by the side of the mean. NHSRplotthedots classes every flagged point by
//    its side of the mean, which would call the early, still-above-mean points of a falling trend a
//    concern even when lower is better.

import type { DataPoint, ImprovementDirection, NotAnalysed, Side } from "./types.ts";
import { checkSpacing } from "./spacing.ts";
import { longStretches, mean, movingRanges } from "./stats.ts";

/** 2.66 = 3 / d2 (d2 = 1.128 for moving ranges of two points), rounded as MDC publishes it. */
export const XMR_LIMIT_FACTOR = 2.66;
/** d2 constant for a moving range of two consecutive points: σ̂ = MR̄ / 1.128. */
export const D2 = 1.128;
/**
 * Recommended minimum number of points for an XmR chart. The brief states MDC recommends 15; we could
 * not re-check that in the stored copy of the MDC booklet. NHSRplotthedots warns below 12 points
 * (R/ptd_add_short_group_warnings.R, warning_threshold = 12). Configurable through `minimumPoints`.
 */
export const XMR_MIN_POINTS = 15;
/** MDC run and trend rules: 7 or more consecutive points. */
export const XMR_RUN_LENGTH = 7;
export const XMR_TREND_LENGTH = 7;

export type XmrRule = "OUTSIDE_LIMITS" | "RUN_OF_7" | "TREND_OF_7" | "TWO_OF_THREE_BEYOND_2_SIGMA";
export type PointClassification = "IMPROVEMENT" | "CONCERN" | "COMMON_CAUSE";
export type SignalDirection = "HIGH" | "LOW";
export type VariationIcon =
  | "COMMON_CAUSE"
  | "SPECIAL_CAUSE_IMPROVEMENT_HIGH"
  | "SPECIAL_CAUSE_IMPROVEMENT_LOW"
  | "SPECIAL_CAUSE_CONCERN_HIGH"
  | "SPECIAL_CAUSE_CONCERN_LOW";
export type Assurance = "CONSISTENTLY_PASSES" | "CONSISTENTLY_FAILS" | "HIT_AND_MISS";

export interface XmrOptions {
  direction: ImprovementDirection;
  /** Target value, if the measure has one; drives the assurance category. */
  target?: number | null;
  /** Dates at which a new phase starts (limits are recalculated from that point on). */
  phaseStarts?: readonly string[];
  /** Minimum points for the whole series (default XMR_MIN_POINTS). */
  minimumPoints?: number;
  /** Check that dates are evenly spaced (default true). */
  checkSpacing?: boolean;
}

export interface XmrLimits {
  mean: number;
  meanMovingRange: number;
  sigma: number;
  upperProcessLimit: number;
  lowerProcessLimit: number;
  upperTwoSigma: number;
  lowerTwoSigma: number;
  upperOneSigma: number;
  lowerOneSigma: number;
}

export interface XmrPhase extends XmrLimits {
  startIndex: number;
  /** Exclusive. */
  endIndex: number;
  startDate: string;
  pointCount: number;
  /** True when this phase alone has fewer points than recommended: its limits are provisional. */
  belowRecommendedPoints: boolean;
}

export interface XmrPoint {
  index: number;
  date: string;
  value: number;
  phase: number;
  /** |value − previous value| within the phase; null for a phase's first point. */
  movingRange: number | null;
  side: Side;
  rules: XmrRule[];
  signal: SignalDirection | null;
  classification: PointClassification;
}

export interface XmrAnalysis {
  status: "OK";
  direction: ImprovementDirection;
  phases: XmrPhase[];
  points: XmrPoint[];
  variation: VariationIcon;
  assurance: Assurance | null;
  minimumPoints: number;
}

export type XmrResult = XmrAnalysis | NotAnalysed;

/** Mean, moving ranges and limits of one block of values (one phase). */
export function xmrLimits(values: readonly number[]): XmrLimits {
  const m = mean(values);
  const mrs = movingRanges(values);
  // With a single point there is no moving range: treat the spread as zero rather than NaN.
  const mrBar = mrs.length ? mean(mrs) : 0;
  const sigma = mrBar / D2;
  return {
    mean: m,
    meanMovingRange: mrBar,
    sigma,
    upperProcessLimit: m + XMR_LIMIT_FACTOR * mrBar,
    lowerProcessLimit: m - XMR_LIMIT_FACTOR * mrBar,
    upperTwoSigma: m + 2 * sigma,
    lowerTwoSigma: m - 2 * sigma,
    upperOneSigma: m + sigma,
    lowerOneSigma: m - sigma,
  };
}

function sideOf(value: number, centre: number): Side {
  return value > centre ? "ABOVE" : value < centre ? "BELOW" : "ON";
}

/** Is a HIGH/LOW signal good news for this direction? */
function classify(signal: SignalDirection, direction: ImprovementDirection): PointClassification {
  return (signal === "HIGH") === (direction === "INCREASE") ? "IMPROVEMENT" : "CONCERN";
}

/**
 * Assurance against a target from the process limits (MDC assurance icons; logic as in
 * NHSRplotthedots R/ptd_calculate_assurance_type.R, with strict comparisons): if the whole range of
 * expected common-cause variation lies on the good side of the target the process will consistently
 * pass; on the bad side, consistently fail; if the target lies within the limits, hit and miss.
 */
export function assuranceFor(limits: Pick<XmrLimits, "upperProcessLimit" | "lowerProcessLimit">, target: number, direction: ImprovementDirection): Assurance {
  if (target > limits.upperProcessLimit) return direction === "INCREASE" ? "CONSISTENTLY_FAILS" : "CONSISTENTLY_PASSES";
  if (target < limits.lowerProcessLimit) return direction === "INCREASE" ? "CONSISTENTLY_PASSES" : "CONSISTENTLY_FAILS";
  return "HIT_AND_MISS";
}

/** Variation icon (MDC names) from a point's classification and signal direction. */
export function variationIconFor(point: Pick<XmrPoint, "classification" | "signal">): VariationIcon {
  if (point.classification === "COMMON_CAUSE" || point.signal === null) return "COMMON_CAUSE";
  return `SPECIAL_CAUSE_${point.classification}_${point.signal}` as VariationIcon;
}

/** Split indices into phases from the phase start dates (a date starts a phase at the first point on or after it). */
function phaseBoundaries(points: readonly DataPoint[], phaseStarts: readonly string[]): number[] {
  const starts = new Set<number>([0]);
  for (const d of phaseStarts) {
    const idx = points.findIndex((p) => p.date >= d);
    if (idx > 0) starts.add(idx);
  }
  return [...starts].sort((a, b) => a - b);
}

export function analyseXmr(points: readonly DataPoint[], options: XmrOptions): XmrResult {
  const minimumPoints = options.minimumPoints ?? XMR_MIN_POINTS;
  if (options.checkSpacing !== false) {
    const spacing = checkSpacing(points);
    if (!spacing.regular) return { status: "IRREGULAR", reason: spacing.reason };
  }
  if (points.length < minimumPoints) {
    return {
      status: "NEEDS_MORE_POINTS",
      reason: `an XmR chart needs at least ${minimumPoints} points; this series has ${points.length}`,
      minimumPoints,
      actualPoints: points.length,
    };
  }

  const starts = phaseBoundaries(points, options.phaseStarts ?? []);
  const phases: XmrPhase[] = [];
  const out: XmrPoint[] = [];

  starts.forEach((start, p) => {
    const end = starts[p + 1] ?? points.length;
    const block = points.slice(start, end);
    const values = block.map((d) => d.value);
    const limits = xmrLimits(values);
    phases.push({
      ...limits,
      startIndex: start,
      endIndex: end,
      startDate: block[0]!.date,
      pointCount: block.length,
      belowRecommendedPoints: block.length < minimumPoints,
    });

    // Rules are evaluated inside the phase only: a new phase means the process was deliberately
    // changed, so runs and trends must not carry over the boundary.
    const n = values.length;
    const rules: XmrRule[][] = values.map(() => []);
    const signals: (SignalDirection | null)[] = values.map(() => null);
    const trendSignals: (SignalDirection | null)[] = values.map(() => null);
    const sides = values.map((v) => sideOf(v, limits.mean));

    // Rule 1: a point outside the process limits (strictly beyond).
    values.forEach((v, i) => {
      if (v > limits.upperProcessLimit || v < limits.lowerProcessLimit) {
        rules[i]!.push("OUTSIDE_LIMITS");
        signals[i] = v > limits.mean ? "HIGH" : "LOW";
      }
    });

    // Rule 2: 7 or more consecutive points on the same side of the mean. A point exactly on the mean
    // breaks the run (as in NHSRplotthedots, where sign(y − mean) = 0 matches neither side).
    for (const stretch of longStretches(sides.map((s) => (s === "ON" ? null : s)), XMR_RUN_LENGTH)) {
      for (const i of stretch) {
        rules[i]!.push("RUN_OF_7");
        signals[i] = sides[i] === "ABOVE" ? "HIGH" : "LOW";
      }
    }

    // Rule 3: 7 or more consecutive points each strictly higher (or lower) than the one before.
    // An equal pair breaks the trend: "all rising" is not true of a flat step (NHSRplotthedots: sign 0).
    const steps: (SignalDirection | null)[] = values.map((v, i) =>
      i === 0 ? null : v > values[i - 1]! ? "HIGH" : v < values[i - 1]! ? "LOW" : null,
    );
    // A trend of k points is k−1 steps in the same direction.
    for (const stretch of longStretches(steps, XMR_TREND_LENGTH - 1)) {
      const dir = steps[stretch[0]!]!;
      for (const i of [stretch[0]! - 1, ...stretch]) {
        if (!rules[i]!.includes("TREND_OF_7")) rules[i]!.push("TREND_OF_7");
        trendSignals[i] = dir;
      }
    }

    // Rule 4: two out of three consecutive points beyond 2σ on the same side of the mean. Only the
    // points beyond 2σ are flagged; the third point of the window carries no signal of its own.
    const beyond = values.map((v) => (v > limits.upperTwoSigma ? "HIGH" : v < limits.lowerTwoSigma ? "LOW" : null));
    for (let w = 0; w + 2 < n; w++) {
      for (const dir of ["HIGH", "LOW"] as const) {
        const hits = [w, w + 1, w + 2].filter((i) => beyond[i] === dir);
        if (hits.length >= 2) {
          for (const i of hits) {
            if (!rules[i]!.includes("TWO_OF_THREE_BEYOND_2_SIGMA")) rules[i]!.push("TWO_OF_THREE_BEYOND_2_SIGMA");
            signals[i] = dir;
          }
        }
      }
    }

    const mrs = movingRanges(values);
    values.forEach((v, i) => {
      // Non-trend rules are all about the side of the mean; a point flagged only by a trend takes
      // the trend's direction (see header comment).
      const signal = signals[i] ?? trendSignals[i] ?? null;
      out.push({
        index: start + i,
        date: block[i]!.date,
        value: v,
        phase: p,
        movingRange: i === 0 ? null : mrs[i - 1]!,
        side: sides[i]!,
        rules: rules[i]!,
        signal,
        classification: signal ? classify(signal, options.direction) : "COMMON_CAUSE",
      });
    });
  });

  // MDC reads the variation icon from the latest point (NHSRplotthedots R/geom_ptd_icon.R filters
  // x == max(x) before choosing the icon), so an old, resolved signal does not colour today's view.
  const latest = out[out.length - 1]!;
  const lastPhase = phases[phases.length - 1]!;
  const target = options.target;
  return {
    status: "OK",
    direction: options.direction,
    phases,
    points: out,
    variation: variationIconFor(latest),
    // Assurance uses the current (last) phase's limits: they describe what the process does now.
    assurance: target === null || target === undefined ? null : assuranceFor(lastPhase, target, options.direction),
    minimumPoints,
  };
}


// XmR (individuals and moving range) chart analysis as NHS England's "Making Data Count" (MDC)
// programme uses it ("Making Data Count: strengthening your decisions", NHS England and NHS
// Improvement; the MDC Excel "plot the dots" tools).
//
// What each rule follows, and where it was checked (the MDC booklets themselves could not be opened
// in the stored copies available, so the MDC Excel behaviour is taken from NHSRplotthedots, the NHS-R
// Community's port, which states that it mimics the Excel tools and documents every deviation from
// them in its vignette "Deviations from Excel defaults"; none of the deviations concerns the rules):
//  - Limits: mean ± 2.66 × mean moving range, with every moving range included. The Excel tools do
//    not screen outlying moving ranges (NHSRplotthedots screens them by default and says that this is
//    where it deviates from Excel; its vignette's worked example, 18 points with one 10 among 1s and
//    2s, gives the Excel limits 6.95 / 1.94 / -3.06, which tests/fixtures/spc reproduces).
//  - "Close to the limits" (the 2σ line): two thirds of the distance from the mean to a process
//    limit, as R/ptd_spc_standard.R computes it (limitclose = 2 × 2.66 / 3), so σ is exactly a third of
//    the limit distance and the 1σ/2σ/3σ zones nest.
//  - Run: 7 or more consecutive points on the same side of the mean; a point exactly on the mean has
//    no side and breaks the run (R/ptd_calculate_point_type.R: relative_to_mean = 0 matches neither).
//  - Trend: 7 or more consecutive points each strictly higher (or lower) than the one before; an equal
//    pair breaks the trend (sign(diff) = 0 in the same file). The NHS Institute's "A guide to creating
//    and interpreting run and control charts" (p.24) says instead that a repeated value neither adds
//    to nor cancels a trend; NHSRplotthedots noted this (pull request 24) and kept the strict reading,
//    so we follow the implementation that is compared against the Excel tool.
//  - Two out of three: within three consecutive points that are ALL on the same side of the mean, at
//    least two lie beyond the 2σ line but inside the process limits; those points are flagged. A point
//    outside the limits is already a signal of its own and does not count towards the two (same file,
//    ptd_two_in_three / close_to_limits; NHSRplotthedots issue 143 made "same side" explicit).
//  - Which rule wins when several fire (it decides improvement or concern): outside the limits (by
//    side), then trend (by the trend's direction, so a falling trend is an improvement when lower is
//    better even while its early points are still above the mean), then two-out-of-three (by side),
//    then run (by side). This is the order of ptd_special_cause_type, introduced in NHSRplotthedots
//    pull request 180 after comparing charts with the NHSE Excel tool (issue 171).
//  - Variation icon from the latest point; assurance from the target against the current limits
//    (R/geom_ptd_icon.R, R/ptd_calculate_assurance_type.R; maintainers' summary in NHSRplotthedots
//    issue 71: "Variation is based on latest data point ... Assurance is based on target being between
//    control or above or below control").
//  - Neutral direction: signals are flagged as neutral special cause, high or low, and there is no
//    assurance (ptd_point_type and ptd_calculate_assurance_type with improvement_direction neutral).
//  - `fixAfter`: the mean and moving ranges of each phase come from its first n points only, and
//    every later point is read against those frozen limits (ptd_spc_standard's fix_after_n_points).
//  - Moving-range screening (`screenMovingRanges`), OFF by default because the MDC Excel tools do not
//    screen (NHSRplotthedots vignette "Deviations from Excel defaults", deviation 1): when on, moving
//    ranges at or above 3.267 × the mean moving range (the upper range limit, D4 = 3.267 for ranges
//    of two) are left out and the mean moving range is taken again from the rest, once, as
//    ptd_spc_standard does after Nelson (1982), J. Quality Technology 14(3):172-173.
//  - Icons only from a phase that can be read: the current phase needs at least 2 points (one moving
//    range) and at least `minimumPoints`; otherwise the variation and assurance are null and
//    `iconReason` says why. A phase of one point has collapsed limits (mean ± 0), from which any
//    target looks "consistently" met or missed. NHSRplotthedots shows icons from trial limits and
//    warns under 12 points (R/ptd_add_short_group_warnings.R); we withhold them instead, because an
//    icon is read without its warning. The current Making Data Count guidance on the number of points
//    before icons show, and on whether a point beyond a limit counts towards "two of three" (here it
//    does not, as close_to_limits excludes outside_limits in ptd_spc_standard.R), could not be
//    re-read in the stored copies available to this project (searched again on 2026-12-02: only the
//    contents page of "Making data count: strengthening your decisions" is stored, not its pages on
//    process limits and icons); both follow NHSRplotthedots, which is checked against the Excel tool.
//    Other implementations differ on the second question: the
//    PowerBI-SPC visual counts a point beyond the limits towards two of three
//    (AUS-DOH-Safety-and-Quality/PowerBI-SPC, docs/PatternDetection/twoInThree.md).
//    https://github.com/nhs-r-community/NHSRplotthedots

import type { DataPoint, ImprovementDirection, NotAnalysed, Side } from "./types.ts";
import { checkSpacing } from "./spacing.ts";
import { longStretches, mean, movingRanges } from "./stats.ts";

/** 2.66 = 3 / d2 (d2 = 1.128 for moving ranges of two points), rounded as MDC publishes it. */
export const XMR_LIMIT_FACTOR = 2.66;
/**
 * Recommended minimum number of points for an XmR chart. The sources disagree and none of them could
 * settle it: the issue cites 15 for MDC, which the stored copies could not confirm; NHSRplotthedots
 * calls limits from fewer than 12 points "trial limits" (R/ptd_add_short_group_warnings.R); The Health
 * Care Data Guide (p.155) asks for 20 to 30; Wheeler's Understanding Variation (p.60) says useful
 * limits need as few as 5 or 6 (both as quoted in NHSRplotthedots' article "Number of points
 * required"). We keep 15, configurable through `minimumPoints`.
 */
export const XMR_MIN_POINTS = 15;
/**
 * A moving range at or above this many mean moving ranges is screened out when screening is asked
 * for: D4 = 3.267, the upper range limit for ranges of two points (Nelson 1982; NHSRplotthedots).
 */
export const XMR_SCREEN_FACTOR = 3.267;
/** MDC run and trend rules: 7 or more consecutive points. */
export const XMR_RUN_LENGTH = 7;
export const XMR_TREND_LENGTH = 7;

export type XmrRule = "OUTSIDE_LIMITS" | "RUN_OF_7" | "TREND_OF_7" | "TWO_OF_THREE_BEYOND_2_SIGMA";
/** NEUTRAL: a special cause under a neutral improvement direction (neither better nor worse). */
export type PointClassification = "IMPROVEMENT" | "CONCERN" | "NEUTRAL" | "COMMON_CAUSE";
export type SignalDirection = "HIGH" | "LOW";
export type VariationIcon =
  | "COMMON_CAUSE"
  | "SPECIAL_CAUSE_IMPROVEMENT_HIGH"
  | "SPECIAL_CAUSE_IMPROVEMENT_LOW"
  | "SPECIAL_CAUSE_CONCERN_HIGH"
  | "SPECIAL_CAUSE_CONCERN_LOW"
  | "SPECIAL_CAUSE_NEUTRAL_HIGH"
  | "SPECIAL_CAUSE_NEUTRAL_LOW";
export type Assurance = "CONSISTENTLY_PASSES" | "CONSISTENTLY_FAILS" | "HIT_AND_MISS";

export interface XmrOptions {
  direction: ImprovementDirection;
  /** Target value, if the measure has one; drives the assurance category. */
  target?: number | null;
  /** Dates at which a new phase starts (limits are recalculated from that point on). */
  phaseStarts?: readonly string[];
  /**
   * Minimum points for the whole series, and for the current phase to show icons (default
   * XMR_MIN_POINTS).
   */
  minimumPoints?: number;
  /** Freeze each phase's limits after its first n points (n >= 2); null or absent: all points. */
  fixAfter?: number | null;
  /** Leave outlying moving ranges out of the limits (default false, as the MDC Excel tools). */
  screenMovingRanges?: boolean;
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

/** How the points of one phase are classed. */
export interface XmrPhaseSummary {
  improvement: number;
  concern: number;
  neutral: number;
  commonCause: number;
}

export interface XmrPhase extends XmrLimits {
  startIndex: number;
  /** Exclusive. */
  endIndex: number;
  startDate: string;
  pointCount: number;
  /** True when this phase alone has fewer points than recommended: its limits are provisional. */
  belowRecommendedPoints: boolean;
  /** How many of the phase's first points its limits come from (all, unless `fixAfter`). */
  limitPointCount: number;
  /** Moving ranges left out of the limits by screening (0 unless screening is on). */
  screenedMovingRanges: number;
  summary: XmrPhaseSummary;
  /** The variation icon of the phase's last point; null when the phase is too short to read. */
  variation: VariationIcon | null;
  /** Why this phase shows no icon, or null when it does. */
  iconReason: string | null;
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
  /** From the latest point; null when the current phase is too short to read (see iconReason). */
  variation: VariationIcon | null;
  /** Null without a target, with a neutral direction, or when the current phase is too short. */
  assurance: Assurance | null;
  /** Why there is no variation icon (and so no assurance), or null when there is one. */
  iconReason: string | null;
  minimumPoints: number;
}

export type XmrResult = XmrAnalysis | NotAnalysed;

/**
 * Mean, moving ranges and limits of one block of values (one phase, or its first `fixAfter` points),
 * with how many moving ranges screening left out.
 */
export function xmrLimits(
  values: readonly number[],
  options: { screenMovingRanges?: boolean } = {},
): XmrLimits & { screenedMovingRanges: number } {
  const m = mean(values);
  let mrs = movingRanges(values);
  // With a single point there is no moving range: treat the spread as zero rather than NaN.
  let mrBar = mrs.length ? mean(mrs) : 0;
  let screened = 0;
  if (options.screenMovingRanges && mrs.length) {
    const kept = mrs.filter((r) => r < XMR_SCREEN_FACTOR * mrBar);
    screened = mrs.length - kept.length;
    mrs = kept;
    mrBar = mrs.length ? mean(mrs) : 0;
  }
  // σ is a third of the limit distance, so "beyond 2σ" is the MDC "close to the limits" zone exactly.
  const sigma = (XMR_LIMIT_FACTOR * mrBar) / 3;
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
    screenedMovingRanges: screened,
  };
}

function sideOf(value: number, centre: number): Side {
  return value > centre ? "ABOVE" : value < centre ? "BELOW" : "ON";
}

/** Is a HIGH/LOW signal good news for this direction? Neither, under a neutral direction. */
function classify(signal: SignalDirection, direction: ImprovementDirection): PointClassification {
  if (direction === "NEUTRAL") return "NEUTRAL";
  return (signal === "HIGH") === (direction === "INCREASE") ? "IMPROVEMENT" : "CONCERN";
}

/**
 * Assurance against a target from the process limits (MDC assurance icons; logic as in
 * NHSRplotthedots R/ptd_calculate_assurance_type.R, with strict comparisons): if the whole range of
 * expected common-cause variation lies on the good side of the target the process will consistently
 * pass; on the bad side, consistently fail; if the target lies within the limits, hit and miss.
 */
export function assuranceFor(
  limits: Pick<XmrLimits, "upperProcessLimit" | "lowerProcessLimit">,
  target: number,
  direction: "INCREASE" | "DECREASE",
): Assurance {
  if (target > limits.upperProcessLimit) return direction === "INCREASE" ? "CONSISTENTLY_FAILS" : "CONSISTENTLY_PASSES";
  if (target < limits.lowerProcessLimit) return direction === "INCREASE" ? "CONSISTENTLY_PASSES" : "CONSISTENTLY_FAILS";
  return "HIT_AND_MISS";
}

/** Variation icon (MDC names) from a point's classification and signal direction. */
export function variationIconFor(point: Pick<XmrPoint, "classification" | "signal">): VariationIcon {
  if (point.classification === "COMMON_CAUSE" || point.signal === null) return "COMMON_CAUSE";
  return `SPECIAL_CAUSE_${point.classification}_${point.signal}` as VariationIcon;
}

/** Why a phase of `count` points shows no icon, or null when it can be read. */
function unreadable(count: number, minimumPoints: number, which: string): string | null {
  if (count < 2)
    return `${which} has ${count} point: limits need at least 2 points (one moving range), so no variation or assurance icon is shown`;
  if (count < minimumPoints) {
    return `${which} has ${count} points, fewer than the minimum of ${minimumPoints}: its limits are provisional, so no variation or assurance icon is shown`;
  }
  return null;
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
    // Frozen limits: only the first fixAfter points set them; later points are read against them.
    const limitPointCount = options.fixAfter ? Math.min(options.fixAfter, values.length) : values.length;
    const { screenedMovingRanges, ...limits } = xmrLimits(values.slice(0, limitPointCount), {
      screenMovingRanges: options.screenMovingRanges,
    });

    // Rules are evaluated inside the phase only: a new phase means the process was deliberately
    // changed, so runs and trends must not carry over the boundary.
    const n = values.length;
    const rules: XmrRule[][] = values.map(() => []);
    const sides = values.map((v) => sideOf(v, limits.mean));
    const sideSignal = (i: number): SignalDirection => (sides[i] === "ABOVE" ? "HIGH" : "LOW");
    const add = (i: number, rule: XmrRule) => {
      if (!rules[i]!.includes(rule)) rules[i]!.push(rule);
    };

    // Rule 1: a point outside the process limits (strictly beyond).
    const outside = values.map((v) => v > limits.upperProcessLimit || v < limits.lowerProcessLimit);
    outside.forEach((o, i) => o && add(i, "OUTSIDE_LIMITS"));

    // Rule 2: 7 or more consecutive points on the same side of the mean (a point on the mean breaks it).
    for (const stretch of longStretches(
      sides.map((s) => (s === "ON" ? null : s)),
      XMR_RUN_LENGTH,
    )) {
      for (const i of stretch) add(i, "RUN_OF_7");
    }

    // Rule 3: 7 or more consecutive points each strictly higher (or lower) than the one before.
    const steps: (SignalDirection | null)[] = values.map((v, i) =>
      i === 0 ? null : v > values[i - 1]! ? "HIGH" : v < values[i - 1]! ? "LOW" : null,
    );
    const trendSignals: (SignalDirection | null)[] = values.map(() => null);
    // A trend of k points is k−1 steps in the same direction. A point joining two opposite trends
    // takes the later one (as ptd_special_cause_type uses the step to its right).
    for (const stretch of longStretches(steps, XMR_TREND_LENGTH - 1)) {
      for (const i of [stretch[0]! - 1, ...stretch]) {
        add(i, "TREND_OF_7");
        trendSignals[i] = steps[stretch[0]!]!;
      }
    }

    // Rule 4: two out of three consecutive points close to the limits (beyond 2σ, inside the limits),
    // all three on the same side of the mean; only the close points are flagged.
    const close = values.map((v, i) => !outside[i] && (v > limits.upperTwoSigma || v < limits.lowerTwoSigma));
    for (let w = 0; w + 2 < n; w++) {
      const window = [w, w + 1, w + 2];
      const sameSide = sides[w] !== "ON" && window.every((i) => sides[i] === sides[w]);
      if (sameSide && window.filter((i) => close[i]).length >= 2) {
        for (const i of window) if (close[i]) add(i, "TWO_OF_THREE_BEYOND_2_SIGMA");
      }
    }

    const mrs = movingRanges(values);
    const phasePoints: XmrPoint[] = [];
    values.forEach((v, i) => {
      const r = rules[i]!;
      // Precedence as in the Excel tool (see header): limits, then trend, then the side rules.
      const signal: SignalDirection | null = r.includes("OUTSIDE_LIMITS")
        ? sideSignal(i)
        : (trendSignals[i] ?? (r.length ? sideSignal(i) : null));
      phasePoints.push({
        index: start + i,
        date: block[i]!.date,
        value: v,
        phase: p,
        movingRange: i === 0 ? null : mrs[i - 1]!,
        side: sides[i]!,
        rules: r,
        signal,
        classification: signal ? classify(signal, options.direction) : "COMMON_CAUSE",
      });
    });
    out.push(...phasePoints);
    const count = (c: PointClassification) => phasePoints.filter((q) => q.classification === c).length;
    const iconReason = unreadable(block.length, minimumPoints, `Phase ${p + 1}`);
    phases.push({
      ...limits,
      startIndex: start,
      endIndex: end,
      startDate: block[0]!.date,
      pointCount: block.length,
      belowRecommendedPoints: block.length < minimumPoints,
      limitPointCount,
      screenedMovingRanges,
      summary: {
        improvement: count("IMPROVEMENT"),
        concern: count("CONCERN"),
        neutral: count("NEUTRAL"),
        commonCause: count("COMMON_CAUSE"),
      },
      variation: iconReason ? null : variationIconFor(phasePoints[phasePoints.length - 1]!),
      iconReason,
    });
  });

  // MDC reads the variation icon from the latest point (NHSRplotthedots R/geom_ptd_icon.R filters
  // x == max(x) before choosing the icon), so an old, resolved signal does not colour today's view.
  const lastPhase = phases[phases.length - 1]!;
  const target = options.target;
  // The series as a whole has at least minimumPoints (checked above), so only a last phase can be short.
  const iconReason = unreadable(lastPhase.pointCount, minimumPoints, `The current phase (phase ${phases.length})`);
  const direction = options.direction;
  return {
    status: "OK",
    direction,
    phases,
    points: out,
    variation: lastPhase.variation,
    // Assurance uses the current (last) phase's limits: they describe what the process does now.
    assurance:
      iconReason || direction === "NEUTRAL" || target === null || target === undefined
        ? null
        : assuranceFor(lastPhase, target, direction),
    iconReason,
    minimumPoints,
  };
}

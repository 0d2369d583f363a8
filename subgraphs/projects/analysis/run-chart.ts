// Run chart analysis as taught for improvement work:
//   Perla RJ, Provost LP, Murray SK. "The run chart: a simple analytical tool for learning from
//   variation in healthcare processes". BMJ Qual Saf 2011;20:46-51 (rules in its Figure 3 and
//   Table 1), the same four rules the IHI teaches.
//
// Rules implemented:
//  - SHIFT: 6 or more consecutive points all above or all below the median. Points exactly on the
//    median are skipped: they neither add to nor break a shift (Perla et al.).
//  - TREND: 5 or more consecutive points all going up or all going down. When consecutive values are
//    equal, the repeats are ignored: they neither add to nor break the trend (Perla et al.). Repeated
//    points lying inside a trend are flagged with it, because they are part of the drawn run of points.
//  - RUNS: too few or too many runs for the number of useful observations (points not on the median),
//    judged with RUNS_LIMITS (Perla et al. Table 1). A series-level signal: it is reported on the
//    result, not on individual points.
//  - ASTRONOMICAL: Perla et al. leave this to judgement ("obviously, even blatantly, different").
//    We need an objective criterion, so a point is astronomical when it lies strictly outside the
//    XmR process limits (mean ± 2.66 × mean moving range) computed from ALL points of the series.
//    Why all points and not the baseline: the rule asks whether a point is unlike the rest of the
//    chart; against a short frozen baseline any sustained improvement would be called astronomical,
//    double-counting what the shift rule already reports.
//
// The median is computed from a baseline (the first `baselineLength` points, default all points);
// rules are then applied to the whole series against that median, so a frozen baseline median makes
// later changes stand out (the "freeze the median" practice).

import type { DataPoint, NotAnalysed, Side } from "./types.ts";
import { checkSpacing } from "./spacing.ts";
import { longStretches, median } from "./stats.ts";
import { xmrLimits } from "./xmr.ts";

export const SHIFT_LENGTH = 6;
export const TREND_LENGTH = 5;
/** Perla et al. Table 1 starts at 10 useful observations; below that the runs rule has no limits. */
export const RUN_CHART_MIN_USEFUL_POINTS = 10;

/**
 * Limits for the number of runs, by number of useful observations (points not on the median), as in
 * Perla, Provost & Murray 2011, Table 1 ("Table for checking for too many or too few runs on a run
 * chart"), which is derived from Swed & Eisenhart (1943) at about a 5 % risk of a false signal.
 * Too few runs: runs < lower. Too many runs: runs > upper.
 *
 * Checked: rows 10-15 match the IHI Open School QI 104 course table as transcribed in
 * github.com/alioh/IHI-QI104 (_posts/2020-04-08-L2 ...md). The stored copies of the paper itself did not
 * include the table's text, so rows 16-60 could not be compared line by line; instead
 * tests/unit/analysis/properties.test.ts computes the exact Swed & Eisenhart distribution of runs for
 * each row (n/2 points either side) and requires every row to be within one run of the exact 2.5 %-per-
 * tail limits with each tail's false-signal risk under 3.5 %, which catches typing errors. Other
 * published tables differ by a run here and there (Balestracci's "Data Sanity" table, quoted in Quality
 * Digest, Oct 2008, gives 5-12 for 16 points where this table gives 5-13), so results on a boundary row
 * depend on which table is used.
 */
export const RUNS_LIMITS: Readonly<Record<number, { lower: number; upper: number }>> = Object.freeze({
  10: { lower: 3, upper: 9 },
  11: { lower: 3, upper: 10 },
  12: { lower: 3, upper: 11 },
  13: { lower: 4, upper: 11 },
  14: { lower: 4, upper: 12 },
  15: { lower: 5, upper: 12 },
  16: { lower: 5, upper: 13 },
  17: { lower: 5, upper: 13 },
  18: { lower: 6, upper: 14 },
  19: { lower: 6, upper: 15 },
  20: { lower: 6, upper: 16 },
  21: { lower: 7, upper: 16 },
  22: { lower: 7, upper: 17 },
  23: { lower: 7, upper: 17 },
  24: { lower: 8, upper: 18 },
  25: { lower: 8, upper: 18 },
  26: { lower: 9, upper: 19 },
  27: { lower: 10, upper: 19 },
  28: { lower: 10, upper: 20 },
  29: { lower: 10, upper: 20 },
  30: { lower: 11, upper: 21 },
  31: { lower: 11, upper: 22 },
  32: { lower: 11, upper: 23 },
  33: { lower: 12, upper: 23 },
  34: { lower: 12, upper: 24 },
  35: { lower: 12, upper: 24 },
  36: { lower: 13, upper: 25 },
  37: { lower: 13, upper: 25 },
  38: { lower: 14, upper: 26 },
  39: { lower: 14, upper: 26 },
  40: { lower: 15, upper: 27 },
  41: { lower: 15, upper: 27 },
  42: { lower: 16, upper: 28 },
  43: { lower: 16, upper: 28 },
  44: { lower: 17, upper: 29 },
  45: { lower: 17, upper: 30 },
  46: { lower: 17, upper: 31 },
  47: { lower: 18, upper: 31 },
  48: { lower: 18, upper: 32 },
  49: { lower: 19, upper: 32 },
  50: { lower: 19, upper: 33 },
  51: { lower: 20, upper: 33 },
  52: { lower: 20, upper: 34 },
  53: { lower: 21, upper: 34 },
  54: { lower: 21, upper: 35 },
  55: { lower: 22, upper: 35 },
  56: { lower: 22, upper: 36 },
  57: { lower: 23, upper: 36 },
  58: { lower: 23, upper: 37 },
  59: { lower: 24, upper: 38 },
  60: { lower: 24, upper: 38 },
});

export type RunChartRule = "SHIFT" | "TREND" | "ASTRONOMICAL";

export interface RunChartOptions {
  /** Number of leading points the median is computed from (default: all points). */
  baselineLength?: number;
  /** Minimum useful observations (default RUN_CHART_MIN_USEFUL_POINTS). */
  minimumUsefulPoints?: number;
  /** Check that dates are evenly spaced (default true). */
  checkSpacing?: boolean;
}

export interface RunChartPoint {
  index: number;
  date: string;
  value: number;
  median: number;
  side: Side;
  rules: RunChartRule[];
}

export interface RunChartAnalysis {
  status: "OK";
  median: number;
  baselineLength: number;
  usefulObservations: number;
  runs: number;
  /** Null when the number of useful observations is outside the table (more than 60). */
  runsLimits: { lower: number; upper: number } | null;
  signals: { shift: boolean; trend: boolean; tooFewRuns: boolean; tooManyRuns: boolean; astronomical: boolean };
  /** Process limits used for the astronomical-point criterion. */
  astronomicalLimits: { lower: number; upper: number };
  points: RunChartPoint[];
}

export type RunChartResult = RunChartAnalysis | NotAnalysed;

/** Number of runs: maximal groups of consecutive useful points on the same side of the median. */
export function countRuns(sides: readonly Side[]): number {
  let runs = 0;
  let last: Side | null = null;
  for (const s of sides) {
    if (s === "ON") continue;
    if (s !== last) runs++;
    last = s;
  }
  return runs;
}

export function analyseRunChart(points: readonly DataPoint[], options: RunChartOptions = {}): RunChartResult {
  const minimum = options.minimumUsefulPoints ?? RUN_CHART_MIN_USEFUL_POINTS;
  if (options.checkSpacing !== false) {
    const spacing = checkSpacing(points);
    if (!spacing.regular) return { status: "IRREGULAR", reason: spacing.reason };
  }
  const values = points.map((p) => p.value);
  const baselineLength = Math.min(Math.max(options.baselineLength ?? values.length, 1), values.length);
  const centre = median(values.slice(0, baselineLength));
  const sides: Side[] = values.map((v) => (v > centre ? "ABOVE" : v < centre ? "BELOW" : "ON"));
  const useful = sides.filter((s) => s !== "ON").length;
  if (!values.length || useful < minimum) {
    return {
      status: "NEEDS_MORE_POINTS",
      reason: `a run chart needs at least ${minimum} points not on the median; this series has ${useful}`,
      minimumPoints: minimum,
      actualPoints: useful,
    };
  }

  const rules: RunChartRule[][] = values.map(() => []);

  // SHIFT: look only at useful points (those on the median are skipped, not breaking the shift).
  const usefulIdx = sides.flatMap((s, i) => (s === "ON" ? [] : [i]));
  for (const stretch of longStretches(
    usefulIdx.map((i) => sides[i]!),
    SHIFT_LENGTH,
  )) {
    for (const k of stretch) rules[usefulIdx[k]!]!.push("SHIFT");
  }

  // TREND: collapse runs of equal consecutive values into one group, then look for 5+ groups
  // strictly rising or falling. Every point in those groups is flagged.
  const groups: number[][] = [];
  values.forEach((v, i) => {
    const g = groups[groups.length - 1];
    if (g && values[g[0]!] === v) g.push(i);
    else groups.push([i]);
  });
  const steps = groups.map((g, k) => {
    if (k === 0) return null;
    const prev = values[groups[k - 1]![0]!]!;
    return values[g[0]!]! > prev ? "UP" : "DOWN";
  });
  // k groups in a trend = k−1 steps in the same direction.
  for (const stretch of longStretches(steps, TREND_LENGTH - 1)) {
    for (const k of [stretch[0]! - 1, ...stretch]) {
      for (const i of groups[k]!) if (!rules[i]!.includes("TREND")) rules[i]!.push("TREND");
    }
  }

  // ASTRONOMICAL: strictly outside XmR limits from all points (see header).
  const lim = xmrLimits(values);
  values.forEach((v, i) => {
    if (v > lim.upperProcessLimit || v < lim.lowerProcessLimit) rules[i]!.push("ASTRONOMICAL");
  });

  const runs = countRuns(sides);
  const runsLimits = RUNS_LIMITS[useful] ?? null;
  return {
    status: "OK",
    median: centre,
    baselineLength,
    usefulObservations: useful,
    runs,
    runsLimits,
    signals: {
      shift: rules.some((r) => r.includes("SHIFT")),
      trend: rules.some((r) => r.includes("TREND")),
      tooFewRuns: runsLimits !== null && runs < runsLimits.lower,
      tooManyRuns: runsLimits !== null && runs > runsLimits.upper,
      astronomical: rules.some((r) => r.includes("ASTRONOMICAL")),
    },
    astronomicalLimits: { lower: lim.lowerProcessLimit, upper: lim.upperProcessLimit },
    points: points.map((p, i) => ({
      index: i,
      date: p.date,
      value: p.value,
      median: centre,
      side: sides[i]!,
      rules: rules[i]!,
    })),
  };
}

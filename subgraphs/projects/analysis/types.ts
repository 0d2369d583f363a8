// Shared types for the measure analysis functions (run charts and XmR/SPC charts).
// Everything in this folder is pure: no I/O, no clock, no randomness, so results are reproducible
// and can be computed in a resolver, a batch job or a test alike.

/**
 * Which way is better. NEUTRAL: neither (a count of referrals, say): signals are still flagged, as
 * "neutral" special cause, but nothing is called improvement or concern and there is no assurance
 * (NHSRplotthedots' improvement_direction = "neutral", R/ptd_calculate_point_type.R and
 * R/ptd_calculate_assurance_type.R).
 */
export type ImprovementDirection = "INCREASE" | "DECREASE" | "NEUTRAL";

/** One data point of a measure. `date` is an ISO calendar date (YYYY-MM-DD), oldest first. */
export interface DataPoint {
  date: string;
  value: number;
}

/** Where a point lies relative to a centre line (median for run charts, mean for XmR). */
export type Side = "ABOVE" | "BELOW" | "ON";

/**
 * Why a series was not analysed. We return a status rather than a chart because a chart drawn from
 * too few or unevenly spaced points looks authoritative while its signals are meaningless.
 */
export interface NotAnalysed {
  status: "NEEDS_MORE_POINTS" | "IRREGULAR";
  reason: string;
  /** For NEEDS_MORE_POINTS: the minimum the method needs, and what we had. */
  minimumPoints?: number;
  actualPoints?: number;
}

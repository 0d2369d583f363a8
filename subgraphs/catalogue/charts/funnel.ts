// Funnel plot statistics: each organisation's rate against control limits that narrow as its
// denominator grows, around the pooled rate of every organisation shown. The usual picture for
// comparing organisations' rates (Spiegelhalter, "Funnel plots for comparing institutional
// performance", Statistics in Medicine 2005;24:1185–1202), where a league table would rank noise.
//
// Limits use the normal approximation: target θ = Σ numerators / Σ denominators, and at denominator
// n the limits are θ ± z·SE with
//   SE = √(θ(1 − θ) / n)  for a POPULATION denominator (binomial: people assessed who had a fall),
//   SE = √(θ / n)         for an EXPOSURE denominator (Poisson: falls over occupied bed days),
// z = 1.960 (95%) and 3.090 (99.8%), clamped at 0 (and at 1 for a proportion). Why the
// approximation rather than exact binomial or Poisson limits: the library's measures are monthly
// counts summed over a year (hundreds of events, where the two agree to the plotted precision), and
// it can be checked by hand. No over-dispersion adjustment: with a handful of organisations it
// cannot be estimated reliably; an organisation outside the 99.8% limits is a reason to look, not
// a verdict. Pure.
import type { DenominatorKind } from "../../../schema/measure-library.ts";

/** Two-sided normal quantiles of the funnel's inner (95%) and outer (99.8%) limits. */
export const FUNNEL_Z = Object.freeze({ inner: 1.959964, outer: 3.090232 });

/** Where a rate falls against the limits at its denominator. */
export type FunnelBand = "WITHIN" | "ABOVE_95" | "ABOVE_99_8" | "BELOW_95" | "BELOW_99_8";

export interface FunnelCount {
  numerator: number;
  denominator: number;
}

export interface Limits {
  lower: number;
  upper: number;
}

/** The pooled rate (per unit): every numerator over every denominator. Null without a denominator. */
export function pooledRate(counts: readonly FunnelCount[]): number | null {
  const d = counts.reduce((s, c) => s + c.denominator, 0);
  return d > 0 ? counts.reduce((s, c) => s + c.numerator, 0) / d : null;
}

/** The limits (per unit) at denominator `n` around pooled rate `theta`, `z` standard errors out. */
export function funnelLimits(theta: number, n: number, kind: DenominatorKind, z: number): Limits {
  const se = kind === "POPULATION" ? Math.sqrt((theta * (1 - theta)) / n) : Math.sqrt(theta / n);
  const upper = theta + z * se;
  return { lower: Math.max(0, theta - z * se), upper: kind === "POPULATION" ? Math.min(1, upper) : upper };
}

/** The band of one organisation's count. */
export function funnelBand(
  count: FunnelCount,
  theta: number,
  kind: DenominatorKind,
): { band: FunnelBand; inner: Limits; outer: Limits } {
  const rate = count.numerator / count.denominator;
  const inner = funnelLimits(theta, count.denominator, kind, FUNNEL_Z.inner);
  const outer = funnelLimits(theta, count.denominator, kind, FUNNEL_Z.outer);
  const band: FunnelBand =
    rate > outer.upper
      ? "ABOVE_99_8"
      : rate > inner.upper
        ? "ABOVE_95"
        : rate < outer.lower
          ? "BELOW_99_8"
          : rate < inner.lower
            ? "BELOW_95"
            : "WITHIN";
  return { band, inner, outer };
}

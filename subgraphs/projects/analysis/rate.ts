// A measure's rate over its latest points, from their numerators and denominators (Measure.rate):
// the sums a funnel plot places each organisation by. Pure.
import type { RateOverPoints } from "../../../schema/measure-library.ts";

export interface RatioPoint {
  date: string;
  numerator: number | null;
  denominator: number | null;
}

/** The projects contract's MeasureRate (schema/measure-library.ts holds the shape both sides read). */
export type MeasureRate = RateOverPoints;

/**
 * Sums the latest `count` points (oldest first in `points`) that carry both a numerator and a
 * denominator; null when none does. The value is numerator / denominator × `per`, the library
 * code's multiplier.
 */
export function latestRate(points: readonly RatioPoint[], per: number, count: number): MeasureRate | null {
  const picked: RatioPoint[] = [];
  for (let i = points.length - 1; i >= 0 && picked.length < count; i--) {
    const p = points[i]!;
    if (p.numerator !== null && p.denominator !== null) picked.push(p);
  }
  if (picked.length === 0) return null;
  const numerator = picked.reduce((s, p) => s + p.numerator!, 0);
  const denominator = picked.reduce((s, p) => s + p.denominator!, 0);
  return {
    numerator,
    denominator,
    value: (numerator / denominator) * per,
    points: picked.length,
    from: picked.at(-1)!.date,
    to: picked[0]!.date,
  };
}

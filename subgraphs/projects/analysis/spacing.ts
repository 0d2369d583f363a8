// Checks that a series is evenly spaced in time before any chart is drawn.
// Run-chart and SPC rules count consecutive points ("6 in a row", "7 in a row"): they only mean
// something when each point stands for the same length of time. A missing month or a mix of weekly
// and monthly values would silently change what "in a row" means, so such series are IRREGULAR.

import type { DataPoint } from "./types.ts";

const DAY_MS = 86_400_000;

/**
 * Tolerance: each gap between consecutive dates may differ from the median gap by at most 15 %.
 * Why 15 %: calendar months are 28-31 days (at most 3 days, i.e. < 10 %, from a 30/31-day median),
 * quarters 90-92 days and ISO weeks exactly 7, so genuinely regular monthly/quarterly/weekly series
 * pass, while one missing month (a ~61-day gap, +100 %) or a weekly point in a monthly series fails.
 * Daily series get no slack (15 % of one day rounds to zero whole days).
 */
export const SPACING_TOLERANCE = 0.15;

export type SpacingCheck = { regular: true; medianGapDays: number | null } | { regular: false; reason: string };

function parseDay(date: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  if (!m) return null;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isFinite(t) ? Math.round(t / DAY_MS) : null;
}

export function checkSpacing(points: readonly DataPoint[], tolerance = SPACING_TOLERANCE): SpacingCheck {
  const days: number[] = [];
  for (const p of points) {
    const d = parseDay(p.date);
    if (d === null) return { regular: false, reason: `unreadable date "${p.date}"` };
    days.push(d);
  }
  if (days.length < 2) return { regular: true, medianGapDays: null };
  const gaps: number[] = [];
  for (let i = 1; i < days.length; i++) {
    const gap = days[i]! - days[i - 1]!;
    if (gap <= 0) {
      return {
        regular: false,
        reason: `dates must be strictly increasing (${points[i - 1]!.date} then ${points[i]!.date})`,
      };
    }
    gaps.push(gap);
  }
  const sorted = [...gaps].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const medianGap = sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const allowed = medianGap * tolerance;
  for (let i = 0; i < gaps.length; i++) {
    if (Math.abs(gaps[i]! - medianGap) > allowed) {
      return {
        regular: false,
        reason: `gap of ${gaps[i]} days between ${points[i]!.date} and ${points[i + 1]!.date} differs from the usual ${medianGap} days by more than ${Math.round(tolerance * 100)} %`,
      };
    }
  }
  return { regular: true, medianGapDays: medianGap };
}

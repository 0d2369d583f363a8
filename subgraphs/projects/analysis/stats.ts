// Small numeric helpers shared by the run-chart and XmR analyses.

export function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return values.length ? sum / values.length : Number.NaN;
}

export function median(values: readonly number[]): number {
  if (!values.length) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length / 2;
  return s.length % 2 ? s[Math.floor(mid)]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Absolute differences between consecutive values (length n-1). */
export function movingRanges(values: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < values.length; i++) out.push(Math.abs(values[i]! - values[i - 1]!));
  return out;
}

/**
 * Indices of maximal stretches of consecutive items with the same non-null key, of at least
 * `minLength` items. A null key ends a stretch (used for "points on the centre line break a run").
 */
export function longStretches<K>(keys: readonly (K | null)[], minLength: number): number[][] {
  const out: number[][] = [];
  let start = 0;
  for (let i = 1; i <= keys.length; i++) {
    const same = i < keys.length && keys[i] !== null && keys[i] === keys[start];
    if (!same) {
      if (keys[start] !== null && i - start >= minLength) out.push(range(start, i));
      start = i;
    }
  }
  return out;
}

export function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i++) out.push(i);
  return out;
}

// Pure helpers of the gateway bench: percentiles, medians of rounds, ratios and the comparison
// with the committed baseline (scripts/bench/baseline.json). Unit-tested in tests/unit/bench-stats.test.ts.

/** The p-th percentile of sorted values (nearest rank); NaN when there are none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** "1.23×", or "—" when either side is missing. */
export function formatRatio(r: number | undefined): string {
  return r === undefined || !Number.isFinite(r) ? "—" : `${r.toFixed(2)}×`;
}

export function formatMs(ms: number): string {
  return Number.isFinite(ms) ? (ms < 10 ? ms.toFixed(2) : ms.toFixed(1)) : "—";
}

/** Baseline ratios by name (e.g. "c_rps_vs_hive"): a full run on the reference machine. */
export type Baseline = Record<string, number>;

/** Statements per request by kind, e.g. "cat 1 · proj 3 · res 1 · net 2", from per-partner deltas. */
export function statementsByKind(
  deltas: ReadonlyMap<string, number>,
  kindOf: (partner: string) => string,
  requests: number,
): string {
  const order = ["catalogue", "projects", "resources", "networks"];
  const short: Record<string, string> = { catalogue: "cat", projects: "proj", resources: "res", networks: "net" };
  const sums = new Map<string, number>();
  for (const [partner, n] of deltas) sums.set(kindOf(partner), (sums.get(kindOf(partner)) ?? 0) + n);
  if (requests <= 0) return "—";
  return (
    order
      .filter((k) => (sums.get(k) ?? 0) > 0)
      .map((k) => {
        const per = sums.get(k)! / requests;
        return `${short[k]} ${Number.isInteger(per) ? per : per.toFixed(1)}`;
      })
      .join(" · ") || "0"
  );
}

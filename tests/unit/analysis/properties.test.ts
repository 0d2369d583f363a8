// Property tests: plain loops over random series from a seeded PRNG, so failures are reproducible.
import { describe, expect, it } from "vitest";
import {
  analyseRunChart,
  analyseXmr,
  checkSpacing,
  RUNS_LIMITS,
  type DataPoint,
  type XmrAnalysis,
} from "../../../subgraphs/projects/analysis/index.ts";

/** mulberry32: tiny, well-known 32-bit PRNG; good enough to generate test series. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function monthly(values: number[]): DataPoint[] {
  return values.map((value, i) => ({
    date: `${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}-01`,
    value,
  }));
}

/** Integer-valued series (so shifting by an integer and scaling by a power of two stay exact). */
function randomSeries(rand: () => number): number[] {
  const n = 15 + Math.floor(rand() * 46);
  const level = Math.floor(rand() * 100);
  const spread = 1 + Math.floor(rand() * 20);
  const step = rand() < 0.3 ? Math.floor(n / 2) : -1; // sometimes a level shift, to get signals
  return Array.from(
    { length: n },
    (_, i) => level + Math.floor(rand() * spread) + (step >= 0 && i >= step ? spread * 2 : 0),
  );
}

function ok(r: ReturnType<typeof analyseXmr>): XmrAnalysis {
  if (r.status !== "OK") throw new Error(`expected OK, got ${r.status}`);
  return r;
}

const rulesOf = (r: XmrAnalysis) => r.points.map((p) => [...p.rules].sort());
const ITER = 300;

describe("XmR properties", () => {
  it("limits and sigma zones are symmetric around the mean", () => {
    const rand = prng(1);
    for (let k = 0; k < ITER; k++) {
      const r = ok(analyseXmr(monthly(randomSeries(rand)), { direction: "INCREASE" }));
      for (const ph of r.phases) {
        expect(ph.upperProcessLimit - ph.mean).toBeCloseTo(ph.mean - ph.lowerProcessLimit, 9);
        expect(ph.upperTwoSigma - ph.mean).toBeCloseTo(ph.mean - ph.lowerTwoSigma, 9);
        expect(ph.upperOneSigma - ph.mean).toBeCloseTo(ph.mean - ph.lowerOneSigma, 9);
        expect(ph.upperProcessLimit - ph.mean).toBeCloseTo(2.66 * ph.meanMovingRange, 9);
        // The zones nest: the process limit is exactly 3σ, the MDC "close to the limits" line 2σ.
        expect(ph.upperProcessLimit - ph.mean).toBeCloseTo(3 * ph.sigma, 9);
        expect(ph.upperTwoSigma - ph.mean).toBeCloseTo(2 * ph.sigma, 9);
      }
    }
  });

  it("negating the data mirrors the chart: limits swap, each rule stays, improvement and concern swap", () => {
    const rand = prng(8);
    const swap = {
      IMPROVEMENT: "CONCERN",
      CONCERN: "IMPROVEMENT",
      NEUTRAL: "NEUTRAL",
      COMMON_CAUSE: "COMMON_CAUSE",
    } as const;
    for (let k = 0; k < ITER; k++) {
      const values = randomSeries(rand);
      const a = ok(analyseXmr(monthly(values), { direction: "INCREASE" }));
      const b = ok(analyseXmr(monthly(values.map((v) => -v)), { direction: "INCREASE" }));
      expect(b.phases[0]!.upperProcessLimit).toBeCloseTo(-a.phases[0]!.lowerProcessLimit, 9);
      expect(b.phases[0]!.lowerProcessLimit).toBeCloseTo(-a.phases[0]!.upperProcessLimit, 9);
      expect(rulesOf(b)).toEqual(rulesOf(a));
      expect(b.points.map((p) => p.classification)).toEqual(a.points.map((p) => swap[p.classification]));
    }
  });

  it("two-out-of-three only flags points beyond 2σ but inside the limits, with a same-side companion", () => {
    const rand = prng(9);
    let flagged = 0;
    for (let k = 0; k < ITER; k++) {
      const r = ok(analyseXmr(monthly(randomSeries(rand)), { direction: "INCREASE" }));
      const ph = r.phases[0]!;
      const close = (v: number) =>
        v <= ph.upperProcessLimit && v >= ph.lowerProcessLimit && (v > ph.upperTwoSigma || v < ph.lowerTwoSigma);
      r.points.forEach((p, i) => {
        if (!p.rules.includes("TWO_OF_THREE_BEYOND_2_SIGMA")) return;
        flagged++;
        expect(close(p.value)).toBe(true);
        const companions = r.points.filter(
          (q, j) => j !== i && Math.abs(j - i) <= 2 && close(q.value) && q.side === p.side,
        );
        expect(companions.length).toBeGreaterThan(0);
      });
    }
    expect(flagged).toBeGreaterThan(0);
  });

  it("a point outside the limits is classed by its side; any other trend point by the trend's direction", () => {
    const rand = prng(10);
    let trends = 0;
    for (let k = 0; k < ITER; k++) {
      const values = randomSeries(rand);
      // Splice in a steady climb so that trends occur often enough to test.
      const at = Math.floor(rand() * (values.length - 8));
      for (let j = 0; j < 8; j++) values[at + j] = values[at]! + j * (1 + Math.floor(rand() * 3));
      const r = ok(analyseXmr(monthly(values), { direction: "INCREASE" }));
      for (const p of r.points) {
        if (p.rules.includes("OUTSIDE_LIMITS")) expect(p.signal).toBe(p.side === "ABOVE" ? "HIGH" : "LOW");
        else if (p.rules.includes("TREND_OF_7")) {
          trends++;
          // The direction of a step of the trend the point belongs to (at a peak or trough joining two
          // trends it is the later one; either way it is one of the point's two steps).
          const prev = r.points[p.index - 1],
            next = r.points[p.index + 1];
          const stepDirs = [
            prev && (prev.value < p.value ? "HIGH" : "LOW"),
            next && (next.value > p.value ? "HIGH" : "LOW"),
          ];
          expect(stepDirs).toContain(p.signal);
        }
      }
    }
    expect(trends).toBeGreaterThan(0);
  });

  it("scaling by k > 0 scales mean and limits by k and leaves rules unchanged", () => {
    const rand = prng(2);
    for (let k = 0; k < ITER; k++) {
      const values = randomSeries(rand);
      // Powers of two scale floating-point numbers exactly, so no comparison can flip by rounding.
      const factor = [0.25, 0.5, 2, 4, 8][Math.floor(rand() * 5)]!;
      const a = ok(analyseXmr(monthly(values), { direction: "INCREASE" }));
      const b = ok(analyseXmr(monthly(values.map((v) => v * factor)), { direction: "INCREASE" }));
      expect(b.phases[0]!.mean).toBeCloseTo(a.phases[0]!.mean * factor, 9);
      expect(b.phases[0]!.upperProcessLimit).toBeCloseTo(a.phases[0]!.upperProcessLimit * factor, 9);
      expect(b.phases[0]!.lowerProcessLimit).toBeCloseTo(a.phases[0]!.lowerProcessLimit * factor, 9);
      expect(rulesOf(b)).toEqual(rulesOf(a));
      expect(b.variation).toBe(a.variation);
    }
  });

  it("adding a constant shifts mean and limits by it and leaves rules unchanged", () => {
    const rand = prng(3);
    for (let k = 0; k < ITER; k++) {
      const values = randomSeries(rand);
      const c = Math.floor(rand() * 2000) - 1000;
      const a = ok(analyseXmr(monthly(values), { direction: "DECREASE" }));
      const b = ok(analyseXmr(monthly(values.map((v) => v + c)), { direction: "DECREASE" }));
      expect(b.phases[0]!.mean).toBeCloseTo(a.phases[0]!.mean + c, 6);
      expect(b.phases[0]!.upperProcessLimit).toBeCloseTo(a.phases[0]!.upperProcessLimit + c, 6);
      expect(b.phases[0]!.lowerProcessLimit).toBeCloseTo(a.phases[0]!.lowerProcessLimit + c, 6);
      expect(b.phases[0]!.meanMovingRange).toBeCloseTo(a.phases[0]!.meanMovingRange, 9);
      expect(rulesOf(b)).toEqual(rulesOf(a));
    }
  });

  it("a constant series has no special cause and its limits collapse to the mean", () => {
    const rand = prng(4);
    for (let k = 0; k < 50; k++) {
      const v = Math.floor(rand() * 1000) - 500;
      const n = 15 + Math.floor(rand() * 30);
      const r = ok(analyseXmr(monthly(Array(n).fill(v)), { direction: "INCREASE", target: v }));
      const ph = r.phases[0]!;
      expect([ph.mean, ph.upperProcessLimit, ph.lowerProcessLimit, ph.upperTwoSigma, ph.lowerTwoSigma]).toEqual([
        v,
        v,
        v,
        v,
        v,
      ]);
      expect(r.points.every((p) => p.rules.length === 0 && p.classification === "COMMON_CAUSE")).toBe(true);
      expect(r.variation).toBe("COMMON_CAUSE");
      expect(r.assurance).toBe("HIT_AND_MISS");
      const rc = analyseRunChart(monthly(Array(n).fill(v)));
      expect(rc.status).toBe("NEEDS_MORE_POINTS"); // every point is on the median: nothing useful
    }
  });

  it("reversing the improvement direction swaps IMPROVEMENT and CONCERN (and the icon and assurance)", () => {
    const rand = prng(5);
    const swap = {
      IMPROVEMENT: "CONCERN",
      CONCERN: "IMPROVEMENT",
      NEUTRAL: "NEUTRAL",
      COMMON_CAUSE: "COMMON_CAUSE",
    } as const;
    const swapAssurance = {
      CONSISTENTLY_PASSES: "CONSISTENTLY_FAILS",
      CONSISTENTLY_FAILS: "CONSISTENTLY_PASSES",
      HIT_AND_MISS: "HIT_AND_MISS",
    } as const;
    let specials = 0;
    for (let k = 0; k < ITER; k++) {
      const values = randomSeries(rand);
      const target = Math.floor(rand() * 160) - 20;
      const up = ok(analyseXmr(monthly(values), { direction: "INCREASE", target }));
      const down = ok(analyseXmr(monthly(values), { direction: "DECREASE", target }));
      up.points.forEach((p, i) => {
        expect(down.points[i]!.classification).toBe(swap[p.classification]);
        expect(down.points[i]!.rules).toEqual(p.rules);
        if (p.classification !== "COMMON_CAUSE") specials++;
      });
      expect(down.variation).toBe(
        up.variation!.replace(/IMPROVEMENT|CONCERN/, (m) => (m === "IMPROVEMENT" ? "CONCERN" : "IMPROVEMENT")),
      );
      expect(down.assurance).toBe(swapAssurance[up.assurance!]);
    }
    expect(specials).toBeGreaterThan(0); // the generator does produce signals to swap
  });

  it("rules never span a phase boundary", () => {
    const rand = prng(6);
    for (let k = 0; k < 100; k++) {
      const values = randomSeries(rand).concat(randomSeries(rand).slice(0, 15));
      const data = monthly(values);
      const cut = 15 + Math.floor(rand() * (values.length - 30));
      const whole = ok(analyseXmr(data.slice(cut), { direction: "INCREASE" }));
      const phased = ok(analyseXmr(data, { direction: "INCREASE", phaseStarts: [data[cut]!.date], minimumPoints: 15 }));
      expect(phased.phases.length).toBe(2);
      // The second phase must be analysed exactly as if it were a series on its own.
      expect(phased.points.slice(cut).map((p) => p.rules)).toEqual(whole.points.map((p) => p.rules));
      expect(phased.points[cut]!.movingRange).toBeNull();
    }
  });
});

describe("run chart properties", () => {
  it("scaling and shifting leave the run-chart reading unchanged", () => {
    const rand = prng(7);
    for (let k = 0; k < ITER; k++) {
      const values = randomSeries(rand);
      const a = analyseRunChart(monthly(values));
      const b = analyseRunChart(monthly(values.map((v) => v * 4 + 17)));
      expect(b.status).toBe(a.status);
      if (a.status === "OK" && b.status === "OK") {
        expect(b.median).toBe(a.median * 4 + 17);
        expect(b.runs).toBe(a.runs);
        expect(b.signals).toEqual(a.signals);
        expect(b.points.map((p) => p.rules)).toEqual(a.points.map((p) => p.rules));
      }
    }
  });
});

describe("statuses and tables", () => {
  it("runs table covers 10..60 with lower < upper, both non-decreasing", () => {
    for (let n = 10; n <= 60; n++) {
      const row = RUNS_LIMITS[n]!;
      expect(row.lower).toBeLessThan(row.upper);
      if (n > 10) {
        expect(row.lower).toBeGreaterThanOrEqual(RUNS_LIMITS[n - 1]!.lower);
        expect(row.upper).toBeGreaterThanOrEqual(RUNS_LIMITS[n - 1]!.upper);
      }
    }
  });

  it("runs table: every row is a test at about Perla et al.'s 5 % risk (exact Swed & Eisenhart distribution)", () => {
    // Rows 10-15 agree with the IHI Open School QI 104 transcription of the table; the later rows could
    // not be compared with a stored copy of the paper, so this guards them against gross typing errors:
    // each row must be within one run of the exact 2.5 %-per-tail limits and keep each tail below 3.5 %.
    const choose = (n: number, k: number): number => {
      if (k < 0 || k > n) return 0;
      let r = 1;
      for (let i = 0; i < k; i++) r = (r * (n - i)) / (i + 1);
      return r;
    };
    for (let n = 10; n <= 60; n++) {
      const n1 = Math.floor(n / 2),
        n2 = n - n1;
      const total = choose(n, n1);
      const p = (r: number) =>
        r % 2 === 0
          ? (2 * choose(n1 - 1, r / 2 - 1) * choose(n2 - 1, r / 2 - 1)) / total
          : (choose(n1 - 1, (r - 1) / 2 - 1) * choose(n2 - 1, (r - 1) / 2) +
              choose(n1 - 1, (r - 1) / 2) * choose(n2 - 1, (r - 1) / 2 - 1)) /
            total;
      const below = (x: number) => {
        let s = 0;
        for (let r = 2; r < x; r++) s += p(r);
        return s;
      };
      const above = (x: number) => {
        let s = 0;
        for (let r = x + 1; r <= n; r++) s += p(r);
        return s;
      };
      const row = RUNS_LIMITS[n]!;
      expect(below(row.lower), `n=${n} too few`).toBeLessThan(0.035);
      expect(above(row.upper), `n=${n} too many`).toBeLessThan(0.035);
      let lower = 2;
      while (below(lower + 1) <= 0.025) lower++;
      let upper = n;
      while (above(upper - 1) <= 0.025) upper--;
      expect(Math.abs(row.lower - lower), `n=${n} lower`).toBeLessThanOrEqual(1);
      expect(Math.abs(row.upper - upper), `n=${n} upper`).toBeLessThanOrEqual(1);
    }
    expect([10, 11, 12, 13, 14, 15].map((n) => [RUNS_LIMITS[n]!.lower, RUNS_LIMITS[n]!.upper])).toEqual([
      [3, 9],
      [3, 10],
      [3, 11],
      [4, 11],
      [4, 12],
      [5, 12],
    ]);
  });

  it("spacing: regular monthly, weekly and quarterly series pass; gaps, duplicates and disorder fail", () => {
    expect(checkSpacing(monthly(Array(30).fill(1))).regular).toBe(true);
    const weekly = Array.from({ length: 20 }, (_, i) => ({
      date: new Date(Date.UTC(2024, 0, 1 + 7 * i)).toISOString().slice(0, 10),
      value: 1,
    }));
    expect(checkSpacing(weekly).regular).toBe(true);
    const quarterly = ["2020-01-01", "2020-04-01", "2020-07-01", "2020-10-01", "2021-01-01"].map((date) => ({
      date,
      value: 1,
    }));
    expect(checkSpacing(quarterly).regular).toBe(true);
    const gap = weekly.filter((_, i) => i !== 5);
    expect(checkSpacing(gap).regular).toBe(false);
    expect(checkSpacing([weekly[0]!, weekly[0]!, weekly[1]!]).regular).toBe(false);
    expect(checkSpacing([weekly[1]!, weekly[0]!]).regular).toBe(false);
    expect(checkSpacing([{ date: "not a date", value: 1 }]).regular).toBe(false);
  });

  it("an irregular series is reported as IRREGULAR by both analyses", () => {
    const data = monthly(Array.from({ length: 20 }, (_, i) => i % 3)).filter((_, i) => i !== 7);
    expect(analyseXmr(data, { direction: "INCREASE" }).status).toBe("IRREGULAR");
    expect(analyseRunChart(data).status).toBe("IRREGULAR");
    expect(analyseXmr(data, { direction: "INCREASE", checkSpacing: false }).status).toBe("OK");
  });
});

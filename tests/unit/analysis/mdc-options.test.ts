// The Making Data Count options of the XmR analysis, each on a worked example whose arithmetic is
// done by hand in the comments: frozen limits (fixAfter), a neutral improvement direction, icons
// withheld from a phase too short to read, and the per-phase summary. Moving-range screening has a
// published worked example in tests/fixtures/spc/xmr-published-nhsr-screened-outlier.json.
import { describe, expect, it } from "vitest";
import {
  analyseXmr,
  type DataPoint,
  type XmrAnalysis,
  type XmrResult,
} from "../../../subgraphs/projects/analysis/index.ts";

const monthly = (values: number[]): DataPoint[] =>
  values.map((value, i) => ({ date: new Date(Date.UTC(2020, i, 1)).toISOString().slice(0, 10), value }));

function ok(r: XmrResult): XmrAnalysis {
  if (r.status !== "OK") throw new Error(`not analysed: ${r.reason}`);
  return r;
}

// Twelve baseline points alternating 10, 12 (mean 11, every moving range 2), then eight points of 17.
const baselineThenShift = [10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 17, 17, 17, 17, 17, 17, 17, 17];

describe("fixAfter: limits frozen after a baseline", () => {
  it("reads later points against the baseline's limits, not limits that move with them", () => {
    // Frozen after 12: mean 11, MRbar 2, limits 11 ± 5.32 = 5.68 .. 16.32. Every 17 is beyond the
    // upper limit: eight OUTSIDE_LIMITS points, improvement when higher is better.
    const frozen = ok(analyseXmr(monthly(baselineThenShift), { direction: "INCREASE", fixAfter: 12 }));
    const ph = frozen.phases[0]!;
    expect(ph.limitPointCount).toBe(12);
    expect(ph.mean).toBeCloseTo(11, 9);
    expect(ph.meanMovingRange).toBeCloseTo(2, 9);
    expect(ph.upperProcessLimit).toBeCloseTo(16.32, 9);
    expect(ph.lowerProcessLimit).toBeCloseTo(5.68, 9);
    const outside = frozen.points.filter((p) => p.rules.includes("OUTSIDE_LIMITS")).map((p) => p.index);
    expect(outside).toEqual([12, 13, 14, 15, 16, 17, 18, 19]);
    expect(frozen.variation).toBe("SPECIAL_CAUSE_IMPROVEMENT_HIGH");

    // Not frozen: mean (6×10 + 6×12 + 8×17)/20 = 13.4; moving ranges 11 × 2, one 5,
    // seven 0: 27/19 = 1.4211; UPL 13.4 + 2.66 × 1.4211 = 17.18, so no 17 is outside the limits.
    const moving = ok(analyseXmr(monthly(baselineThenShift), { direction: "INCREASE" }));
    expect(moving.phases[0]!.limitPointCount).toBe(20);
    expect(moving.phases[0]!.mean).toBeCloseTo(13.4, 9);
    expect(moving.phases[0]!.upperProcessLimit).toBeCloseTo(13.4 + 2.66 * (27 / 19), 9);
    expect(moving.points.some((p) => p.rules.includes("OUTSIDE_LIMITS"))).toBe(false);
  });

  it("applies within each phase, and uses every point of a phase shorter than n", () => {
    // Phase 2 starts at index 12 and has 8 points: fewer than fixAfter 12, so all 8 set its limits.
    const r = ok(
      analyseXmr(monthly(baselineThenShift), {
        direction: "INCREASE",
        fixAfter: 12,
        phaseStarts: ["2021-01-01"],
        minimumPoints: 8,
      }),
    );
    expect(r.phases.map((p) => p.limitPointCount)).toEqual([12, 8]);
    expect(r.phases[1]!.mean).toBe(17);
  });
});

describe("a neutral improvement direction", () => {
  it("flags special causes as neutral, high or low, and gives no assurance even with a target", () => {
    // The frozen example again: the 17s are a HIGH signal, neither good nor bad; so is the last 12
    // of the baseline, which begins the run of 9 points above the mean 11 (indices 11 to 19).
    const r = ok(analyseXmr(monthly(baselineThenShift), { direction: "NEUTRAL", fixAfter: 12, target: 15 }));
    expect(r.points[11]!.rules).toEqual(["RUN_OF_7"]);
    expect(r.points.slice(11).every((p) => p.classification === "NEUTRAL")).toBe(true);
    expect(r.points.slice(0, 11).every((p) => p.classification === "COMMON_CAUSE")).toBe(true);
    expect(r.variation).toBe("SPECIAL_CAUSE_NEUTRAL_HIGH");
    expect(r.assurance).toBeNull();
    expect(r.phases[0]!.summary).toEqual({ improvement: 0, concern: 0, neutral: 9, commonCause: 11 });
    // The same series with a direction: improvement, and an assurance against the frozen limits
    // (target 15 lies within 5.68 .. 16.32: hit and miss).
    const up = ok(analyseXmr(monthly(baselineThenShift), { direction: "INCREASE", fixAfter: 12, target: 15 }));
    expect(up.assurance).toBe("HIT_AND_MISS");
    expect(up.phases[0]!.summary).toEqual({ improvement: 9, concern: 0, neutral: 0, commonCause: 11 });
  });

  it("calls a low signal neutral low", () => {
    const r = ok(analyseXmr(monthly(baselineThenShift.map((v) => -v)), { direction: "NEUTRAL", fixAfter: 12 }));
    expect(r.variation).toBe("SPECIAL_CAUSE_NEUTRAL_LOW");
  });
});

describe("icons only from a phase that can be read", () => {
  // Twenty points alternating 4, 6 (mean 5, MRbar 2, limits -0.32 .. 10.32), then one more phase.
  const steady = Array.from({ length: 20 }, (_, i) => (i % 2 ? 6 : 4));

  it("withholds variation and assurance when the current phase has a single point", () => {
    // A last phase of one point has no moving range: its limits collapse to the point itself
    // (mean 30 ± 0), from which a target of 20 would look "consistently passed".
    const r = ok(
      analyseXmr(monthly([...steady, 30]), { direction: "INCREASE", target: 20, phaseStarts: ["2021-09-01"] }),
    );
    const last = r.phases[1]!;
    expect(last.pointCount).toBe(1);
    expect(last.upperProcessLimit).toBe(last.lowerProcessLimit);
    expect(r.variation).toBeNull();
    expect(r.assurance).toBeNull();
    expect(r.iconReason).toMatch(/1 point.*at least 2/);
    expect(last.variation).toBeNull();
    expect(last.iconReason).toMatch(/1 point/);
    // The first phase still has its own icon.
    expect(r.phases[0]!.variation).toBe("COMMON_CAUSE");
    expect(r.phases[0]!.iconReason).toBeNull();
  });

  it("withholds them under the minimum, and shows them when the minimum is lowered", () => {
    const tail = [20, 22, 20, 22, 20];
    const series = monthly([...steady, ...tail]);
    const strict = ok(analyseXmr(series, { direction: "INCREASE", target: 10, phaseStarts: [series[20]!.date] }));
    expect(strict.phases[1]!.pointCount).toBe(5);
    expect(strict.variation).toBeNull();
    expect(strict.assurance).toBeNull();
    expect(strict.iconReason).toMatch(/5 points, fewer than the minimum of 15/);
    // With minimumPoints 5 the phase can be read: mean 20.8, MRbar 2, limits 15.48 .. 26.12; target
    // 10 is below the lower limit, so higher-is-better consistently passes.
    const lenient = ok(
      analyseXmr(series, { direction: "INCREASE", target: 10, phaseStarts: [series[20]!.date], minimumPoints: 5 }),
    );
    expect(lenient.variation).toBe("COMMON_CAUSE");
    expect(lenient.assurance).toBe("CONSISTENTLY_PASSES");
    expect(lenient.iconReason).toBeNull();
  });

  it("summarises each phase by point class", () => {
    // Baseline then shift, in two phases: phase 1 all common cause; phase 2 (the 17s) all equal,
    // so MRbar 0 and every point on its mean: no side, no signal.
    const r = ok(
      analyseXmr(monthly(baselineThenShift), { direction: "INCREASE", phaseStarts: ["2021-01-01"], minimumPoints: 8 }),
    );
    expect(r.phases.map((p) => p.summary)).toEqual([
      { improvement: 0, concern: 0, neutral: 0, commonCause: 12 },
      { improvement: 0, concern: 0, neutral: 0, commonCause: 8 },
    ]);
    expect(r.phases.map((p) => p.variation)).toEqual(["COMMON_CAUSE", "COMMON_CAUSE"]);
  });
});

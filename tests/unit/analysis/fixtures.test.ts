// Checks the analysis functions against the fixtures in tests/fixtures/spc. Each fixture states where
// its series comes from ("source", with "provenance": published = data and a stated conclusion from a
// public document, quoted in "publishedClaim"; published-data = data from a public document, outcome
// worked by us; constructed = made up to exercise a rule) and how its expected outcome was worked out
// ("working"). Expectations were never produced by running this code: the arithmetic is worked by hand
// in "working", and the per-point rules of the published-source fixtures were derived with a separate
// re-implementation of NHSRplotthedots' R logic and Perla et al.'s rules, then checked against it.
// Published numbers ("published") are checked at the precision they were printed with.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  analyseRunChart,
  analyseXmr,
  type DataPoint,
  type ImprovementDirection,
} from "../../../subgraphs/projects/analysis/index.ts";

interface FixturePoint extends DataPoint {
  expected: { rules: string[]; classification?: string };
}
interface Fixture {
  name: string;
  provenance: "published" | "published-data" | "constructed";
  source: string;
  publishedClaim?: string;
  /** Numbers as the source prints them, compared to `digits` decimal places. */
  published?: { digits: number; phases: Array<Record<string, number>> };
  minimumPoints?: number;
  fixAfter?: number;
  screenMovingRanges?: boolean;
  working: string;
  chart: "run" | "xmr";
  direction?: ImprovementDirection;
  target?: number | null;
  phaseStarts?: string[];
  baselineLength?: number;
  expected: Record<string, unknown> & { status: string };
  points: FixturePoint[];
}

const dir = join(import.meta.dirname, "../../fixtures/spc");
const fixtures: Fixture[] = readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as Fixture);

describe("SPC fixtures", () => {
  it("has at least ten fixtures from published sources, each saying honestly where it comes from", () => {
    expect(fixtures.filter((f) => f.provenance !== "constructed").length).toBeGreaterThanOrEqual(10);
    for (const f of fixtures) {
      expect(["published", "published-data", "constructed"], f.name).toContain(f.provenance);
      expect(f.source.length, f.name).toBeGreaterThan(20);
      if (f.provenance === "constructed") expect(f.source, f.name).toMatch(/^Constructed/);
      else expect(f.source, f.name).toMatch(/https?:\/\//);
      if (f.provenance === "published") expect(f.publishedClaim?.length ?? 0, f.name).toBeGreaterThan(20);
    }
  });

  for (const f of fixtures) {
    it(`${f.name}`, () => {
      const data = f.points.map(({ date, value }) => ({ date, value }));
      if (f.chart === "run") {
        const r = analyseRunChart(data, f.baselineLength ? { baselineLength: f.baselineLength } : {});
        expect(r.status).toBe(f.expected.status);
        if (r.status !== "OK") {
          if ("minimumPoints" in f.expected) expect(r.minimumPoints).toBe(f.expected.minimumPoints);
          if ("actualPoints" in f.expected) expect(r.actualPoints).toBe(f.expected.actualPoints);
          return;
        }
        expect(r.median).toBeCloseTo(f.expected.median as number, 6);
        expect(r.usefulObservations).toBe(f.expected.usefulObservations);
        expect(r.runs).toBe(f.expected.runs);
        expect(r.signals).toEqual(f.expected.signals);
        r.points.forEach((p, i) =>
          expect([...p.rules].sort(), `${f.name} point ${i}`).toEqual([...f.points[i]!.expected.rules].sort()),
        );
      } else {
        const r = analyseXmr(data, {
          direction: f.direction!,
          target: f.target ?? null,
          phaseStarts: f.phaseStarts ?? [],
          minimumPoints: f.minimumPoints,
          fixAfter: f.fixAfter,
          screenMovingRanges: f.screenMovingRanges,
        });
        expect(r.status).toBe(f.expected.status);
        if (r.status !== "OK") {
          if ("minimumPoints" in f.expected) expect(r.minimumPoints).toBe(f.expected.minimumPoints);
          if ("actualPoints" in f.expected) expect(r.actualPoints).toBe(f.expected.actualPoints);
          return;
        }
        const phases = f.expected.phases as Array<Record<string, number | boolean>>;
        expect(r.phases.length).toBe(phases.length);
        phases.forEach((ph, k) => {
          for (const [key, want] of Object.entries(ph)) {
            const got = (r.phases[k] as unknown as Record<string, number | boolean>)[key];
            if (typeof want === "number") expect(got as number, `${f.name} phase ${k} ${key}`).toBeCloseTo(want, 3);
            else expect(got, `${f.name} phase ${k} ${key}`).toBe(want);
          }
        });
        f.published?.phases.forEach((ph, k) => {
          for (const [key, want] of Object.entries(ph)) {
            const got = (r.phases[k] as unknown as Record<string, number>)[key]!;
            expect(got, `${f.name} published ${key}`).toBeCloseTo(want, f.published!.digits);
          }
        });
        expect(r.variation).toBe(f.expected.variation);
        expect(r.assurance).toBe(f.expected.assurance);
        r.points.forEach((p, i) => {
          const want = f.points[i]!.expected;
          expect([...p.rules].sort(), `${f.name} point ${i} rules`).toEqual([...want.rules].sort());
          if (want.classification) expect(p.classification, `${f.name} point ${i} class`).toBe(want.classification);
        });
      }
    });
  }
});

// The national measure library (schema/measure-library.ts): every entry refers only to the shared
// vocabulary, uses the contract's improvement directions, and cites a definition or says why not.
import { describe, expect, it } from "vitest";
import { MEASURE_LIBRARY } from "../../schema/measure-library.ts";
import { DRIVER_IDS, SETTING_IDS, TOPIC_IDS } from "../../schema/vocabulary.ts";
import { contractEnum } from "../../schema/contracts.ts";

describe("measure library", () => {
  it("holds 15 to 30 measures with unique codes", () => {
    expect(MEASURE_LIBRARY.length).toBeGreaterThanOrEqual(15);
    expect(MEASURE_LIBRARY.length).toBeLessThanOrEqual(30);
    expect(new Set(MEASURE_LIBRARY.map((m) => m.code)).size).toBe(MEASURE_LIBRARY.length);
    for (const m of MEASURE_LIBRARY) expect(m.code).toMatch(/^[A-Z0-9][A-Z0-9-]{1,39}$/);
  });

  it("refers only to drivers, topics and settings of the shared vocabulary", () => {
    const bad = MEASURE_LIBRARY.flatMap((m) => [
      ...m.drivers.filter((d) => !(DRIVER_IDS as readonly string[]).includes(d)).map((d) => `${m.code} driver ${d}`),
      ...m.topics.filter((t) => !(TOPIC_IDS as readonly string[]).includes(t)).map((t) => `${m.code} topic ${t}`),
      ...m.settings.filter((s) => !(SETTING_IDS as readonly string[]).includes(s)).map((s) => `${m.code} setting ${s}`),
    ]);
    expect(bad).toEqual([]);
    for (const m of MEASURE_LIBRARY) {
      expect(m.drivers.length, m.code).toBeGreaterThan(0);
      expect(m.topics.length, m.code).toBeGreaterThan(0);
    }
  });

  it("gives every measure with a denominator a multiplier and a denominator kind, and none to a count", () => {
    for (const m of MEASURE_LIBRARY) {
      expect(m.rate === null, m.code).toBe(m.denominator === null);
      if (!m.rate) continue;
      expect([100, 1000], m.code).toContain(m.rate.per);
      expect(["POPULATION", "EXPOSURE"], m.code).toContain(m.rate.denominatorKind);
      // Rates over bed days are events over an exposure; the rest count members of their denominator.
      expect(m.rate.denominatorKind, m.code).toBe(/bed days/.test(m.rate.of) ? "EXPOSURE" : "POPULATION");
      expect(m.rate.base, m.code).toBe(`${m.rate.per.toLocaleString("en-GB")} ${m.rate.of}`);
      expect(m.unit, m.code).toContain(m.rate.per === 100 ? "%" : "1,000");
    }
  });

  it("uses the projects contract's improvement directions", () => {
    const directions = contractEnum("projects", "ImprovementDirection");
    for (const m of MEASURE_LIBRARY) expect(directions, m.code).toContain(m.improvement);
  });

  it("cites a public https/http page for each measure, or says why it cannot", () => {
    for (const m of MEASURE_LIBRARY) {
      if (m.citation) {
        expect(m.citation.url, m.code).toMatch(/^https?:\/\/[a-z0-9.-]+\.[a-z]{2,}\//);
        expect(m.citation.title.length, m.code).toBeGreaterThan(10);
      } else {
        expect(m.citationNote ?? "", m.code).toMatch(/\w.{19,}/);
      }
    }
  });

  it("covers the framework's case studies: falls, pressure ulcers, UTIs, PPH of 1.5 litres, involvement", () => {
    const topics = new Set(MEASURE_LIBRARY.flatMap((m) => m.topics));
    for (const t of [
      "falls",
      "pressure-ulcers",
      "urinary-tract-infections",
      "postpartum-haemorrhage",
      "patient-and-public-involvement",
    ])
      expect(topics).toContain(t);
    expect(MEASURE_LIBRARY.find((m) => m.code === "PPH-1500")?.numerator).toMatch(/1,500 ml/);
  });
});

describe("measure codes in seed files", () => {
  const seed = {
    name: "Falls",
    code: "FALLS-OBD",
    unit: "falls per 1,000 occupied bed days",
    improvement: "DECREASE",
    illustrative: true,
  };
  it("accepts a code with its unit and direction, and refuses an unknown code or another unit or direction", async () => {
    const { measureSeed } = await import("../../subgraphs/projects/seed-schema.ts");
    expect(measureSeed.safeParse(seed).success).toBe(true);
    const paths = (v: unknown) => measureSeed.safeParse(v).error?.issues.map((i) => i.path.join("."));
    expect(paths({ ...seed, code: "FALLS" })).toEqual(["code"]);
    expect(paths({ ...seed, unit: "falls per month" })).toEqual(["unit"]);
    expect(paths({ ...seed, improvement: "INCREASE" })).toEqual(["improvement"]);
  });
});

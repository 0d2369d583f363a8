// Run charts and SPC for the case-study projects, through the gateway: what a client reads is the
// analysis of exactly the points it reads, computed by the owning projects partner.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSystem, type TestSystem } from "../support/system.ts";
import { analyseRunChart, analyseXmr } from "../../subgraphs/projects/analysis/index.ts";

let sys: TestSystem;
beforeAll(async () => {
  sys = await startSystem({
    only: (p) => ["essex-cc", "maternity-cop", "bridgewater", "pic-projects", "national-catalogue"].includes(p.id),
  });
});
afterAll(async () => {
  await sys?.close();
});

const MEASURES = `
  name improvement target
  points { date value }
  spc { status reason minimumPoints variation assurance phases { startDate pointCount mean upperProcessLimit lowerProcessLimit provisional } points { date value rules classification } }
  runChart { status median runs shift trend points { date rules } }
`;

/**
 * Every case-study project's measures, one project a request: the full analysis of every measure of
 * a page of 50 projects is refused by the cost limit (each measure is assumed to hold 200 points).
 */
async function everyMeasure(selection: string): Promise<any[]> {
  const page = await sys.query(`{ search(filter: { kinds: [PROJECT] }, first: 50) { edges { node { id } } } }`);
  expect(page.body.errors).toBeUndefined();
  const projects = await Promise.all(
    page.body.data.search.edges.map(async (e: any) => {
      const { body } = await sys.query(`query($id: ID!) { project(id: $id) { measures { ${selection} } } }`, {
        id: e.node.id,
      });
      expect(body.errors).toBeUndefined();
      return body.data.project;
    }),
  );
  return projects.flatMap((p) => p.measures ?? []);
}

describe("measure analysis through the gateway", () => {
  it("matches the analysis functions on every case-study measure", async () => {
    const measures = await everyMeasure(MEASURES);
    expect(measures.length).toBeGreaterThanOrEqual(8);
    let analysed = 0;
    for (const m of measures) {
      const xmr = analyseXmr(m.points, { direction: m.improvement, target: m.target });
      expect(m.spc.status, m.name).toBe(xmr.status);
      if (xmr.status === "OK") {
        analysed++;
        expect(m.spc.variation).toBe(xmr.variation);
        expect(m.spc.assurance).toBe(xmr.assurance);
        expect(m.spc.phases[0].mean).toBeCloseTo(xmr.phases[0]!.mean, 9);
        expect(m.spc.points.map((p: any) => p.classification)).toEqual(xmr.points.map((p) => p.classification));
      } else {
        expect(m.spc.reason).toEqual(expect.any(String));
        expect(m.spc.points).toEqual([]);
      }
      const run = analyseRunChart(m.points);
      expect(m.runChart.status).toBe(run.status);
      if (run.status === "OK") expect(m.runChart.median).toBe(run.median);
    }
    expect(analysed).toBeGreaterThan(0);
  });

  it("recalculates limits from a phase change date", async () => {
    const q = `query($starts: [Date!]) { project(id: "essex-cc:project:post-falls-huddles") { measures { name points { date } spc(phaseStarts: $starts) { status phases { startDate pointCount mean } } } } }`;
    const first = await sys.query(q, {});
    const measure = first.body.data.project.measures.find((m: any) => m.spc.status === "OK");
    expect(measure).toBeDefined();
    const middle = measure.points[Math.floor(measure.points.length / 2)].date;
    const { body } = await sys.query(q, { starts: [middle] });
    const phased = body.data.project.measures.find((m: any) => m.name === measure.name);
    expect(phased.spc.phases.map((p: any) => p.startDate)).toEqual([measure.points[0].date, middle]);
    expect(phased.spc.phases.reduce((n: number, p: any) => n + p.pointCount, 0)).toBe(measure.points.length);
  });

  it("refuses a phase date that is not a date, naming the argument", async () => {
    const { body } = await sys.query(
      `{ project(id: "essex-cc:project:post-falls-huddles") { measures { spc(phaseStarts: ["2025-13-45"]) { status } } } }`,
    );
    expect(body.errors[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", argumentPath: ["phaseStarts", "0"] });
  });

  it("freezes limits, screens moving ranges and takes a minimum, as the analysis functions do", async () => {
    const q = `query($fix: Int, $screen: Boolean, $min: Int) { project(id: "essex-cc:project:post-falls-huddles") { measures { name improvement target points { date value }
      spc(fixAfter: $fix, screenMovingRanges: $screen, minimumPoints: $min) { status variation assurance iconReason minimumPoints
        phases { limitPointCount screenedMovingRanges mean upperProcessLimit variation summary { improvement concern neutral commonCause } } points { classification } } } } }`;
    const { body } = await sys.query(q, { fix: 12, screen: true, min: 12 });
    expect(body.errors).toBeUndefined();
    const measures = body.data.project.measures.filter((m: any) => m.spc.status === "OK");
    expect(measures.length).toBeGreaterThan(0);
    for (const m of measures) {
      const want = analyseXmr(m.points, {
        direction: m.improvement,
        target: m.target,
        fixAfter: 12,
        screenMovingRanges: true,
        minimumPoints: 12,
      });
      if (want.status !== "OK") throw new Error(`${m.name} not analysed`);
      expect(m.spc.minimumPoints).toBe(12);
      expect(m.spc.phases[0].limitPointCount).toBe(Math.min(12, m.points.length));
      expect(m.spc.phases[0].screenedMovingRanges).toBe(want.phases[0]!.screenedMovingRanges);
      expect(m.spc.phases[0].upperProcessLimit).toBeCloseTo(want.phases[0]!.upperProcessLimit, 9);
      expect(m.spc.phases[0].summary).toEqual(want.phases[0]!.summary);
      expect(m.spc.points.map((p: any) => p.classification)).toEqual(want.points.map((p) => p.classification));
      expect([m.spc.variation, m.spc.assurance, m.spc.iconReason]).toEqual([
        want.variation,
        want.assurance,
        want.iconReason,
      ]);
    }
  });

  it("refuses a baseline of fewer than 2 points and a minimum out of range, naming the argument", async () => {
    for (const [args, path] of [
      ["fixAfter: 1", "fixAfter"],
      ["minimumPoints: 1", "minimumPoints"],
      ["minimumPoints: 5000", "minimumPoints"],
    ] as const) {
      const { body } = await sys.query(
        `{ project(id: "essex-cc:project:post-falls-huddles") { measures { spc(${args}) { status } } } }`,
      );
      expect(body.errors?.[0]?.extensions, args).toMatchObject({ code: "BAD_USER_INPUT", argumentPath: [path] });
    }
  });
});

describe("national questions across partners", () => {
  it("finds exactly the projects with a measure in a given SPC variation category, with one filter", async () => {
    await sys.harvester.harvestAll();
    const all = await sys.query(
      `{ search(filter: { kinds: [PROJECT] }, first: 50) { edges { node { id ... on Project { measures { spc { status variation } } } } } } }`,
    );
    const byVariation = new Map<string, Set<string>>();
    for (const e of all.body.data.search.edges) {
      for (const m of e.node.measures) {
        if (m.spc.status !== "OK") continue;
        if (!byVariation.has(m.spc.variation)) byVariation.set(m.spc.variation, new Set());
        byVariation.get(m.spc.variation)!.add(e.node.id);
      }
    }
    expect(byVariation.size).toBeGreaterThan(0);
    for (const [variation, expected] of byVariation) {
      const { body } = await sys.query(
        `query($v: [String!]) { search(filter: { variations: $v }, first: 50) { totalCount edges { node { id } } facets { dimension values { value count } } } }`,
        { v: [variation] },
      );
      expect(body.errors).toBeUndefined();
      expect(new Set(body.data.search.edges.map((x: any) => x.node.id))).toEqual(expected);
      const facet = body.data.search.facets.find((f: any) => f.dimension === "MEASURE_VARIATION");
      expect(facet.values.find((v: any) => v.value === variation).count).toBe(expected.size);
    }
  });

  it("refuses a variation category that Making Data Count does not name", async () => {
    const { body } = await sys.query(`{ search(filter: { variations: ["GETTING_BETTER"] }) { totalCount } }`);
    expect(body.errors[0].extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      argumentPath: ["filter", "variations", "0"],
    });
  });
});

describe("pictures", () => {
  const circles = (svg: string) =>
    [...svg.matchAll(/<circle[^>]*data-date="([^"]+)"[^>]*data-class="([^"]+)"/g)].map((m) => ({
      date: m[1],
      cls: m[2],
    }));

  it("draws each measure's XmR chart with the analysis's points and classes, also served by URL", async () => {
    const measures = await everyMeasure(`name spc { status points { date classification } } chart chartUrl`);
    const charted = measures.filter((m: any) => m.spc.status === "OK");
    expect(charted.length).toBeGreaterThan(0);
    for (const m of charted) {
      expect(m.chart).toMatch(/^<svg[^>]*role="img"/);
      expect(circles(m.chart)).toEqual(m.spc.points.map((p: any) => ({ date: p.date, cls: p.classification })));
      const res = await fetch(m.chartUrl);
      expect(res.headers.get("content-type")).toMatch(/^image\/svg\+xml/);
      expect(await res.text()).toBe(m.chart);
    }
    for (const m of measures.filter((x: any) => x.spc.status !== "OK")) expect(m.chart).toMatch(/No chart/);
  });

  it("draws the project's driver diagram from its aim, drivers and PDSA cycles", async () => {
    const { body } = await sys.query(
      `{ project(id: "maternity-cop:project:improving-maternal-care") { aim drivers { name } pdsaCycles { title } driverDiagram } }`,
    );
    expect(body.errors).toBeUndefined();
    const p = body.data.project;
    const text = p.driverDiagram
      .replace(/<[^>]+>/g, " ")
      .replace(/&amp;/g, "&")
      .replace(/&#39;|&apos;/g, "'")
      .replace(/&quot;/g, '"')
      .replace(/\s+/g, " ");
    for (const word of p.aim.split(/\s+/).slice(0, 5)) expect(text).toContain(word);
    for (const c of p.pdsaCycles) expect(text).toContain(c.title.split(" ")[0]);
    expect(p.driverDiagram).toMatch(/^<svg[^>]*role="img"/);
  });
});

describe("project progress", () => {
  it("shows the team's latest IHI score with its label, and the history oldest first", async () => {
    const { body } = await sys.query(
      `{ project(id: "essex-cc:project:care-home-safety") { progress { score label recordedOn } progressHistory { score recordedOn } } }`,
    );
    expect(body.errors).toBeUndefined();
    const { progress, progressHistory } = body.data.project;
    expect(progressHistory.length).toBeGreaterThan(1);
    const dates = progressHistory.map((p: any) => p.recordedOn);
    expect(dates).toEqual([...dates].sort());
    expect(progress).toEqual({ ...progressHistory.at(-1), label: expect.any(String) });
    expect(progress.score).toBeGreaterThanOrEqual(0.5);
    expect(progress.score).toBeLessThanOrEqual(5);
    expect(progress.label).toBe(
      { 4: "Significant improvement", 3.5: "Improvement", 3: "Modest improvement" }[progress.score as 4 | 3.5 | 3],
    );
  });
});

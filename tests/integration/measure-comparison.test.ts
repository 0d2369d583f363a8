// The national measure library across organisations, through the gateway: measureComparison from
// the summaries the catalogue harvests, its filters and sorts, Project.measurePeers, code validation
// on write, and the summaries following writes and deletes (harvest) and repairs (reconcile).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { startSystem, type TestSystem } from "../support/system.ts";
import type { OpenedDatabase } from "../../lib/db/open.ts";
import type { PrismaClient as CatalogueDb } from "../../subgraphs/catalogue/generated/prisma/client.ts";

const PARTNERS = ["essex-cc", "bridgewater", "maternity-cop", "pic-projects", "national-catalogue"];
let sys: TestSystem;
let editor: string;

beforeAll(async () => {
  sys = await startSystem({ only: (p) => PARTNERS.includes(p.id) });
  await sys.harvester.harvestAll();
  editor = await sys.token({ user: "bea", organisation: "bridgewater", roles: ["editor"] });
}, 120_000);
afterAll(async () => {
  await sys?.close();
});

const catalogue = () => sys.partners.get("national-catalogue")!.db as unknown as OpenedDatabase<CatalogueDb>;
const key = () => `test-${randomUUID()}`;

const ENTRY = `organisation { id name } project { id title aim } region { id } settings { id } measureId measureName unit target illustrative
  pointCount latestValue latestDate analysisStatus variation assurance iconReason mean upperProcessLimit lowerProcessLimit updatedAt`;
const COMPARE = `query($code: String!, $f: MeasureComparisonFilter, $s: MeasureComparisonSort) {
  measureComparison(code: $code, filter: $f, sort: $s) { measure { code unit improvement topics { id name } drivers { id } citationUrl citationNote } entries { ${ENTRY} } } }`;

async function compare(code: string, f?: unknown, s?: string) {
  const { body } = await sys.query(COMPARE, { code, f: f ?? null, s: s ?? null });
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data.measureComparison;
}

describe("measureComparison", () => {
  it("returns every organisation reporting a library measure, each with its variation and assurance", async () => {
    const result = await compare("PPI-REPRESENTATIVES");
    expect(result.measure).toMatchObject({
      code: "PPI-REPRESENTATIVES",
      unit: "people per month",
      improvement: "INCREASE",
    });
    expect(result.measure.topics).toEqual([
      { id: "patient-and-public-involvement", name: "Patient and public involvement" },
    ]);
    const orgs = result.entries.map((e: any) => e.organisation.id).sort();
    expect(orgs).toEqual(["bridgewater", "partners-in-care", "slpsc"]);
    for (const e of result.entries) {
      expect(e.analysisStatus, e.project.id).toBe("OK");
      expect(e.variation, e.project.id).toMatch(/^(COMMON_CAUSE|SPECIAL_CAUSE_)/);
      expect(e.assurance, e.project.id).toMatch(/^(CONSISTENTLY_PASSES|CONSISTENTLY_FAILS|HIT_AND_MISS)$/);
      expect(e.upperProcessLimit).toBeGreaterThan(e.mean);
      expect(e.illustrative).toBe(true);
      expect(e.pointCount).toBeGreaterThanOrEqual(12);
      // The project's own fields come from its owner through the gateway (aim is not in the index).
      expect(e.project.aim, e.project.id).toEqual(expect.any(String));
    }
    // The figures are the owner's: the same as the project's own live analysis of that measure.
    const bw = result.entries.find((e: any) => e.organisation.id === "bridgewater");
    const { body } = await sys.query(
      `query($id: ID!) { projectFromOwner(id: $id) { measures { id code pointCount latestPoint { date value } spc { variation assurance phases { mean upperProcessLimit } } } } }`,
      { id: bw.project.id },
    );
    const live = body.data.projectFromOwner.measures.find((m: any) => m.id === bw.measureId);
    expect(live.code).toBe("PPI-REPRESENTATIVES");
    expect(bw).toMatchObject({
      pointCount: live.pointCount,
      latestValue: live.latestPoint.value,
      latestDate: live.latestPoint.date,
      variation: live.spc.variation,
      assurance: live.spc.assurance,
      mean: live.spc.phases.at(-1).mean,
      upperProcessLimit: live.spc.phases.at(-1).upperProcessLimit,
    });
  });

  it("draws the organisations as small multiples, served by the catalogue through the gateway", async () => {
    const { body } = await sys.query(
      `{ measureComparison(code: "PPI-REPRESENTATIVES") { entries { organisation { name } } chart } }`,
    );
    expect(body.errors).toBeUndefined();
    const { chart, entries } = body.data.measureComparison;
    expect(chart).toMatch(/^<svg [^>]*role="img"/);
    expect(chart.match(/class="panel"/g)).toHaveLength(3);
    for (const e of entries) expect(chart).toContain(e.organisation.name.replace(/&/g, "&amp;"));
  });

  it("refuses an unknown code and a bad filter with BAD_USER_INPUT naming the argument", async () => {
    const unknown = await sys.query(COMPARE, { code: "NO-SUCH-MEASURE" });
    expect(unknown.body.errors[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", argumentPath: ["code"] });
    const badRegion = await sys.query(COMPARE, { code: "FALLS-OBD", f: { regions: ["atlantis"] } });
    expect(badRegion.body.errors[0].extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      argumentPath: ["filter", "regions", "0"],
    });
  });

  it("filters by region, setting and organisation", async () => {
    const all = (await compare("PPI-REPRESENTATIVES")).entries;
    const byRegion = (await compare("PPI-REPRESENTATIVES", { regions: ["north-west"] })).entries;
    expect(byRegion.map((e: any) => e.organisation.id)).toEqual(["bridgewater"]);
    const bySetting = (await compare("PPI-REPRESENTATIVES", { settings: ["maternity"] })).entries;
    expect(bySetting.map((e: any) => e.organisation.id)).toEqual(["slpsc"]);
    expect(all.filter((e: any) => e.settings.some((s: any) => s.id === "maternity"))).toHaveLength(bySetting.length);
    const byOrg = (await compare("PPI-REPRESENTATIVES", { organisations: ["partners-in-care", "slpsc"] })).entries;
    expect(byOrg.map((e: any) => e.organisation.id).sort()).toEqual(["partners-in-care", "slpsc"]);
    const falls = (await compare("FALLS-OBD", { regions: ["east-of-england"] })).entries;
    expect(falls.map((e: any) => e.project.id).sort()).toEqual([
      "essex-cc:project:care-home-safety",
      "essex-cc:project:post-falls-huddles",
    ]);
  });

  it("sorts by latest value either way, by name and by organisation", async () => {
    const asc = (await compare("FALLS-OBD", null, "LATEST_VALUE_ASC")).entries.map((e: any) => e.latestValue);
    expect(asc.length).toBe(3);
    expect(asc).toEqual([...asc].sort((a, b) => a - b));
    const desc = (await compare("FALLS-OBD", null, "LATEST_VALUE_DESC")).entries.map((e: any) => e.latestValue);
    expect(desc).toEqual([...asc].reverse());
    const names = (await compare("PPI-REPRESENTATIVES", null, "NAME")).entries.map((e: any) => e.measureName);
    expect(names).toEqual([...names].sort());
    const orgs = (await compare("PPI-REPRESENTATIVES")).entries.map((e: any) => e.organisation.name);
    expect(orgs).toEqual([...orgs].sort());
  });
});

describe("the funnel plot", () => {
  // Worked from the seed files, independently of the code: each FALLS-OBD measure's latest 12
  // points with numerators and denominators, summed; the pooled rate of all of them; Poisson limits
  // (an EXPOSURE denominator) at z = 1.959964 and 3.090232 around it.
  const seeded = ["essex-cc", "pic-projects"].flatMap((partner) =>
    (
      JSON.parse(readFileSync(new URL(`../../subgraphs/projects/seed/${partner}.json`, import.meta.url), "utf8"))
        .projects as any[]
    ).flatMap((p) =>
      (p.measures as any[])
        .filter((m) => m.code === "FALLS-OBD" && m.points.some((pt: any) => pt.denominator))
        .map((m) => {
          const last = (m.points as any[]).filter((pt) => pt.denominator).slice(-12);
          return {
            project: `${partner}:project:${p.local}`,
            n: last.reduce((a, pt) => a + pt.numerator, 0),
            d: last.reduce((a, pt) => a + pt.denominator, 0),
            from: last[0].date,
            to: last.at(-1).date,
          };
        }),
    ),
  );
  const FUNNEL = `{ measureComparison(code: "FALLS-OBD") { measure { ratePer denominatorKind rateBase } funnel { denominatorKind pooledRate plotted missing chart }
    entries { project { id } organisation { name } rate { numerator denominator value points from to band lower95 upper95 lower998 upper998 } } } }`;

  it("places every organisation reporting falls with bed days against limits that match a hand calculation", async () => {
    expect(seeded.length).toBeGreaterThanOrEqual(3);
    const { body } = await sys.query(FUNNEL);
    expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
    const { measure, funnel, entries } = body.data.measureComparison;
    expect(measure).toEqual({ ratePer: 1000, denominatorKind: "EXPOSURE", rateBase: "1,000 occupied bed days" });
    const theta = seeded.reduce((a, x) => a + x.n, 0) / seeded.reduce((a, x) => a + x.d, 0);
    expect(funnel).toMatchObject({ denominatorKind: "EXPOSURE", plotted: seeded.length, missing: 0 });
    expect(funnel.pooledRate).toBeCloseTo(theta * 1000, 9);
    for (const x of seeded) {
      const e = entries.find((en: any) => en.project.id === x.project);
      const se = Math.sqrt(theta / x.d);
      const rate = x.n / x.d;
      expect(e.rate, x.project).toMatchObject({ numerator: x.n, denominator: x.d, points: 12, from: x.from, to: x.to });
      expect(e.rate.value).toBeCloseTo(rate * 1000, 9);
      expect(e.rate.lower95).toBeCloseTo((theta - 1.959964 * se) * 1000, 9);
      expect(e.rate.upper95).toBeCloseTo((theta + 1.959964 * se) * 1000, 9);
      expect(e.rate.lower998).toBeCloseTo((theta - 3.090232 * se) * 1000, 9);
      expect(e.rate.upper998).toBeCloseTo((theta + 3.090232 * se) * 1000, 9);
      const band =
        rate > theta + 3.090232 * se
          ? "ABOVE_99_8"
          : rate > theta + 1.959964 * se
            ? "ABOVE_95"
            : rate < theta - 3.090232 * se
              ? "BELOW_99_8"
              : rate < theta - 1.959964 * se
                ? "BELOW_95"
                : "WITHIN";
      expect(e.rate.band, x.project).toBe(band);
    }
    expect(funnel.chart).toMatch(/^<svg [^>]*role="img"/);
    expect(funnel.chart.match(/class="organisation"/g)).toHaveLength(seeded.length);
    for (const e of entries) expect(funnel.chart).toContain(e.organisation.name.replace(/&/g, "&amp;"));
  });

  it("has no funnel for a count with no denominator, nor for a rate nobody reports with numerators", async () => {
    const { body } = await sys.query(
      `{ count: measureComparison(code: "PPI-REPRESENTATIVES") { funnel { plotted } entries { rate { value } } } rate: measureComparison(code: "PPH-1500") { funnel { plotted } entries { rate { value } } } }`,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.count.funnel).toBeNull();
    expect(body.data.count.entries.every((e: any) => e.rate === null)).toBe(true);
    expect(body.data.rate.entries.length).toBeGreaterThan(0);
    expect(body.data.rate.funnel).toBeNull();
  });
});

describe("Project.measurePeers", () => {
  it("goes from a project's coded measure to the same code at the other organisations", async () => {
    const { body } = await sys.query(
      `{ project(id: "bridgewater:project:expert-in-me") { measures { id code } measurePeers { measureId code measureName peers { organisation { id } project { id title } measureName } } } }`,
    );
    expect(body.errors).toBeUndefined();
    const peers = body.data.project.measurePeers;
    expect(peers.map((p: any) => p.code)).toEqual(["PPI-REPRESENTATIVES"]);
    // The measure id is the owner's: the same measure the project lists.
    expect(body.data.project.measures.find((m: any) => m.id === peers[0].measureId)?.code).toBe("PPI-REPRESENTATIVES");
    expect(peers[0].peers.map((p: any) => p.organisation.id).sort()).toEqual(["partners-in-care", "slpsc"]);
    expect(peers[0].peers.every((p: any) => typeof p.project.title === "string")).toBe(true);
  });

  it("is empty for a project with no coded measure", async () => {
    const { body } = await sys.query(
      `{ project(id: "pic-projects:project:new-manager-buddying") { measurePeers { code } } }`,
    );
    expect(body.data.project.measurePeers).toEqual([]);
  });
});

describe("codes on write, and the summaries following writes", () => {
  const ADD = `mutation($p: ID!, $input: MeasureInput!, $key: String!) { addMeasure(projectId: $p, input: $input, idempotencyKey: $key) { measure { id code unit improvement } } }`;
  const falls = {
    name: "Falls in intermediate care beds",
    code: "FALLS-OBD",
    unit: "falls per 1,000 occupied bed days",
    improvement: "DECREASE",
    target: 5,
  };
  const measureRows = async () =>
    (await sys.partners.get("bridgewater")!.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Measure"`))[0]!
      .n;

  it("refuses an unknown code, and a unit or direction other than the code's, writing nothing", async () => {
    const before = await measureRows();
    for (const [input, path] of [
      [{ ...falls, code: "FALLS-PER-DAY" }, ["input", "code"]],
      [{ ...falls, unit: "falls per month" }, ["input", "unit"]],
      [{ ...falls, improvement: "INCREASE" }, ["input", "improvement"]],
    ] as const) {
      const { body } = await sys.queryAs(editor, ADD, { p: "bridgewater:project:expert-in-me", input, key: key() });
      expect(body.errors?.[0]?.extensions, JSON.stringify(input)).toMatchObject({
        code: "BAD_USER_INPUT",
        argumentPath: path,
      });
    }
    expect(await measureRows()).toBe(before);
  });

  it("a measure written with a code is compared after the next harvest, and leaves with its deleted project", async () => {
    const created = await sys.queryAs(
      editor,
      `mutation($key: String!) { createProject(input: { title: "Falls in intermediate care", aim: "Fewer falls", settings: ["community"], region: "north-west" }, idempotencyKey: $key) { id } }`,
      { key: key() },
    );
    expect(created.body.errors).toBeUndefined();
    const projectId = created.body.data.createProject.id;
    const added = await sys.queryAs(editor, ADD, { p: projectId, input: falls, key: key() });
    expect(added.body.errors).toBeUndefined();
    expect(added.body.data.addMeasure.measure).toMatchObject({ code: "FALLS-OBD", unit: falls.unit });
    const measureId = added.body.data.addMeasure.measure.id;
    const points = [7.1, 6.8, 7.4, 6.9, 7.2, 6.5, 6.7, 6.6, 6.2, 6.4, 6.1, 6.0, 5.9, 5.8, 6.0].map((value, i) => ({
      date: `2025-${String((i % 12) + 1).padStart(2, "0")}-01`.replace(/^2025/, i < 12 ? "2025" : "2026"),
      value,
    }));
    const recorded = await sys.queryAs(
      editor,
      `mutation($p: ID!, $m: ID!, $pts: [DataPointInput!]!, $key: String!) { recordMeasurements(projectId: $p, measureId: $m, points: $pts, idempotencyKey: $key) { written } }`,
      { p: projectId, m: measureId, pts: points, key: key() },
    );
    expect(recorded.body.errors).toBeUndefined();
    // A draft is not harvested: not compared yet.
    await sys.harvester.harvestAll();
    expect((await compare("FALLS-OBD")).entries.map((e: any) => e.project.id)).not.toContain(projectId);
    const published = await sys.queryAs(
      editor,
      `mutation($id: ID!, $key: String!) { publishProject(id: $id, idempotencyKey: $key) { id } }`,
      { id: projectId, key: key() },
    );
    expect(published.body.errors).toBeUndefined();
    await sys.harvester.harvestAll();
    const entry = (await compare("FALLS-OBD")).entries.find((e: any) => e.project.id === projectId);
    expect(entry).toMatchObject({
      organisation: { id: "bridgewater" },
      measureId,
      measureName: falls.name,
      pointCount: 15,
      latestValue: 6.0,
      latestDate: "2026-03-01",
      analysisStatus: "OK",
    });
    expect(entry.variation).toEqual(expect.any(String));

    // A later write replaces the summary at the next harvest.
    await sys.queryAs(
      editor,
      `mutation($p: ID!, $m: ID!, $key: String!) { recordMeasurements(projectId: $p, measureId: $m, points: [{ date: "2026-04-01", value: 4.2 }], idempotencyKey: $key) { written } }`,
      { p: projectId, m: measureId, key: key() },
    );
    await sys.harvester.harvestAll();
    expect((await compare("FALLS-OBD")).entries.find((e: any) => e.project.id === projectId)).toMatchObject({
      pointCount: 16,
      latestValue: 4.2,
    });

    const deleted = await sys.queryAs(
      editor,
      `mutation($id: ID!, $key: String!) { deleteProject(id: $id, idempotencyKey: $key) { id } }`,
      { id: projectId, key: key() },
    );
    expect(deleted.body.errors).toBeUndefined();
    await sys.harvester.harvestAll();
    expect((await compare("FALLS-OBD")).entries.map((e: any) => e.project.id)).not.toContain(projectId);
    expect(await catalogue().prisma.measureSummary.count({ where: { itemId: projectId } })).toBe(0);
  });

  it("takes numerators and denominators that agree with the value, refuses the rest writing nothing, and the funnel follows", async () => {
    const RECORD = `mutation($p: ID!, $m: ID!, $pts: [DataPointInput!]!, $key: String!) { recordMeasurements(projectId: $p, measureId: $m, points: $pts, idempotencyKey: $key) { written measure { points { date value numerator denominator } rate { numerator denominator value points from to } } } }`;
    const created = await sys.queryAs(
      editor,
      `mutation($key: String!) { createProject(input: { title: "Falls with bed days", aim: "Fewer falls" }, idempotencyKey: $key) { id } }`,
      { key: key() },
    );
    const projectId = created.body.data.createProject.id;
    const measureId = (await sys.queryAs(editor, ADD, { p: projectId, input: falls, key: key() })).body.data.addMeasure
      .measure.id;
    const uncoded = (
      await sys.queryAs(editor, ADD, {
        p: projectId,
        input: { name: "Falls, local count", unit: "falls", improvement: "DECREASE" },
        key: key(),
      })
    ).body.data.addMeasure.measure.id;
    const pointRows = async () =>
      (
        await sys.partners.get("bridgewater")!.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM "DataPoint"`)
      )[0]!.n;
    const before = await pointRows();
    for (const [m, pts, path] of [
      [measureId, [{ date: "2025-01-01", value: 5, numerator: 10 }], ["points", "0", "denominator"]],
      [measureId, [{ date: "2025-01-01", value: 5, denominator: 2000 }], ["points", "0", "numerator"]],
      [measureId, [{ date: "2025-01-01", value: 5, numerator: 10, denominator: 0 }], ["points", "0", "denominator"]],
      [measureId, [{ date: "2025-01-01", value: 5, numerator: -1, denominator: 2000 }], ["points", "0", "numerator"]],
      // 10 falls over 2,000 bed days is 5 per 1,000: a value of 6 disagrees (and the good first point is not written either).
      [
        measureId,
        [
          { date: "2025-01-01", value: 5, numerator: 10, denominator: 2000 },
          { date: "2025-02-01", value: 6, numerator: 10, denominator: 2000 },
        ],
        ["points", "1", "value"],
      ],
      [uncoded, [{ date: "2025-01-01", value: 10, numerator: 10, denominator: 2000 }], ["points", "0", "numerator"]],
    ] as const) {
      const { body } = await sys.queryAs(editor, RECORD, { p: projectId, m, pts, key: key() });
      expect(body.errors?.[0]?.extensions, JSON.stringify(pts)).toMatchObject({
        code: "BAD_USER_INPUT",
        argumentPath: path,
      });
    }
    expect(await pointRows()).toBe(before);

    const pts = Array.from({ length: 14 }, (_, i) => ({
      date: `${2024 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}-01`,
      value: 5 + (i % 3) * 0.5,
      numerator: 10 + (i % 3),
      denominator: 2000,
    }));
    // One point without counts: a rate is summed over the points that have them.
    pts.push({ date: "2025-03-01", value: 5.5 } as any);
    const { body } = await sys.queryAs(editor, RECORD, { p: projectId, m: measureId, pts, key: key() });
    expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
    expect(body.data.recordMeasurements.measure.points[0]).toEqual({
      date: "2024-01-01",
      value: 5,
      numerator: 10,
      denominator: 2000,
    });
    expect(body.data.recordMeasurements.measure.points.at(-1)).toEqual({
      date: "2025-03-01",
      value: 5.5,
      numerator: null,
      denominator: null,
    });
    const last12 = pts.slice(2, 14);
    const n = last12.reduce((a, p) => a + p.numerator, 0);
    expect(body.data.recordMeasurements.measure.rate).toEqual({
      numerator: n,
      denominator: 24_000,
      value: (n / 24_000) * 1000,
      points: 12,
      from: "2024-03-01",
      to: "2025-02-01",
    });

    await sys.queryAs(
      editor,
      `mutation($id: ID!, $key: String!) { publishProject(id: $id, idempotencyKey: $key) { id } }`,
      { id: projectId, key: key() },
    );
    const { body: cmp } = await sys.query(
      `{ measureComparison(code: "FALLS-OBD") { funnel { plotted missing } entries { project { id } rate { numerator denominator } } } }`,
    );
    expect(cmp.data.measureComparison.entries.find((e: any) => e.project.id === projectId).rate).toEqual({
      numerator: n,
      denominator: 24_000,
    });
    expect(cmp.data.measureComparison.funnel.plotted).toBe(4);
    await sys.queryAs(
      editor,
      `mutation($id: ID!, $key: String!) { deleteProject(id: $id, idempotencyKey: $key) { id } }`,
      { id: projectId, key: key() },
    );
  });

  it("reconciliation restores summaries lost behind the index's back", async () => {
    const id = "maternity-cop:project:pph-listening-to-women";
    const before = await catalogue().prisma.measureSummary.findMany({
      where: { itemId: id },
      orderBy: { position: "asc" },
    });
    expect(before.map((m) => m.code)).toEqual(["PPH-DEBRIEF-PCT", "PPI-REPRESENTATIVES"]);
    // The item's version no longer matching is what makes reconciliation read it again.
    await (sys.partners.get("national-catalogue")!.db.sql as any).exec(
      `DELETE FROM "MeasureSummary" WHERE "itemId" = '${id}'; UPDATE "Item" SET version = 'stale' WHERE id = '${id}';`,
    );
    expect((await compare("PPI-REPRESENTATIVES")).entries).toHaveLength(2);
    await sys.harvester.reconcileAll();
    expect((await compare("PPI-REPRESENTATIVES")).entries).toHaveLength(3);
    const after = await catalogue().prisma.measureSummary.findMany({
      where: { itemId: id },
      orderBy: { position: "asc" },
    });
    expect(after).toEqual(before);
  });
});

// Measure analysis benchmark: N measures of P monthly points each, analysed (XmR + run chart) two
// ways in one run, over the same data: (a) the analysis functions alone, in process; (b) a real
// projects subgraph (embedded store, HTTP on loopback) holding those measures, queried as the
// gateway would, with `_entities` over Project ids selecting every measure's spc and runChart.
// The ratio subgraph/function is the figure to watch (target ≤ 2): the machines are shared and
// noisy, so absolute times are context only. Every measure must be answered, and a sample must equal
// the functions' output, or the run counts as a wrong answer.
//
// Where the outcomes-per-measure time went, and what changed it (10,000 measures, this machine):
// 5.0x the functions with a row per point aggregated per request and Date objects in between;
// one trigger-kept series row per measure (MeasureSeries), parsed straight into points: ~3.2x;
// a 64 MB young generation for the projects subgraph (lib/node-flags.ts): ~2.2x, because GraphQL
// holds every measure's results until the response is written and the default 16 MB promoted most
// of them; the series stored as three arrays (dates, values, notes) instead of point objects and
// read through the raw SQL runner instead of Prisma's raw query: ~1.75x (a page's series went from
// 15 ms to 6 ms). The rest is the three statements per request, JSON parsing and GraphQL. With every
// point as a field (the second subgraph row) GraphQL completes ~2,000,000 per-point fields: ~8x,
// the price of sending them all.
import { pino } from "pino";
import { Registry, type Partner } from "../../lib/registry/registry.ts";
import { formatId } from "../../schema/ids.ts";
import { buildService, startService } from "../../subgraphs/shared/service.ts";
import { projectsService } from "../../subgraphs/projects/server.ts";
import {
  analyseRunChart,
  analyseXmr,
  type DataPoint,
  type ImprovementDirection,
} from "../../subgraphs/projects/analysis/index.ts";

const MEASURES_PER_PROJECT = 10;
/** Projects per `_entities` request (× 10 measures): 250 measures per request. */
const PROJECTS_PER_REQUEST = 25;
const PARALLEL_REQUESTS = 4;
/** Every SAMPLE_EVERY-th measure is compared field by field with the functions' output. */
const SAMPLE_EVERY = 37;
const ROUNDS = 3;

/** What a chart client asks for: the selection of tests/integration/analysis.test.ts, with run-chart values. */
const FULL_QUERY = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Project { id measures { id
  spc { status variation assurance phases { mean upperProcessLimit lowerProcessLimit } points { date value rules classification } }
  runChart { status median runs runsLower runsUpper shift trend tooFewRuns tooManyRuns astronomical points { date value rules } }
} } } }`;

/**
 * What a dashboard or a national question asks for: each measure's outcome (variation and assurance
 * categories, limits, run-chart signals), every point analysed but none sent. The catalogue's
 * MEASURE_VARIATION facet is built from these fields.
 */
const SUMMARY_QUERY = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Project { id measures { id
  spc { status variation assurance phases { mean upperProcessLimit lowerProcessLimit } }
  runChart { status median runs runsLower runsUpper shift trend tooFewRuns tooManyRuns astronomical }
} } } }`;

export interface AnalysisBenchResult {
  measures: number;
  points: number;
  functionSeconds: number;
  subgraphSeconds: number;
  functionRate: number;
  subgraphRate: number;
  /** Subgraph seconds / function seconds (target ≤ 2). */
  ratio: number;
  /** The same through the subgraph when only measure-level outcomes are asked for. */
  summarySeconds: number;
  summaryRatio: number;
  requests: number;
  statementsPerRequest: number;
  answered: number;
  sampled: number;
  mismatches: string[];
  ok: boolean;
}

interface Series {
  id: string;
  project: string;
  improvement: ImprovementDirection;
  target: number | null;
  points: DataPoint[];
}

/** mulberry32: a seeded PRNG, so every run analyses the same series. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const monthStart = (i: number) => `${2010 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}-01`;

/** Noisy series, a third of them with a level shift part-way, so that every rule has work to do. */
function makeSeries(measures: number, points: number): Series[] {
  const rand = prng(2024);
  return Array.from({ length: measures }, (_, m) => {
    const level = 20 + Math.floor(rand() * 60);
    const spread = 2 + Math.floor(rand() * 10);
    const shiftAt = rand() < 0.33 ? Math.floor(points * (0.3 + rand() * 0.4)) : points;
    return {
      id: `bench-m${String(m).padStart(6, "0")}`,
      project: `bench-p${String(Math.floor(m / MEASURES_PER_PROJECT)).padStart(5, "0")}`,
      improvement: m % 2 ? "DECREASE" : "INCREASE",
      target: m % 3 ? level : null,
      points: Array.from({ length: points }, (_, i) => ({
        date: monthStart(i),
        value: Math.round((level + rand() * spread + (i >= shiftAt ? spread : 0)) * 10) / 10,
      })),
    };
  });
}

function analyse(s: Series) {
  return {
    spc: analyseXmr(s.points, { direction: s.improvement, target: s.target }),
    runChart: analyseRunChart(s.points),
  };
}

/** Differences between what the subgraph answered for a measure and what the functions give. */
function compare(s: Series, got: any): string[] {
  const want = analyse(s);
  const out: string[] = [];
  const same = (what: string, a: unknown, b: unknown) => {
    if (JSON.stringify(a) !== JSON.stringify(b))
      out.push(`${s.id} ${what}: got ${JSON.stringify(a)?.slice(0, 80)}, want ${JSON.stringify(b)?.slice(0, 80)}`);
  };
  same("spc.status", got.spc.status, want.spc.status);
  if (want.spc.status === "OK") {
    same("spc.variation", got.spc.variation, want.spc.variation);
    same("spc.assurance", got.spc.assurance, want.spc.assurance);
    same(
      "spc.phases",
      got.spc.phases,
      want.spc.phases.map((p) => ({
        mean: p.mean,
        upperProcessLimit: p.upperProcessLimit,
        lowerProcessLimit: p.lowerProcessLimit,
      })),
    );
    if (got.spc.points)
      same(
        "spc.points",
        got.spc.points,
        want.spc.points.map((p) => ({
          date: p.date,
          value: p.value,
          rules: p.rules,
          classification: p.classification,
        })),
      );
  }
  same("runChart.status", got.runChart.status, want.runChart.status);
  if (want.runChart.status === "OK") {
    const r = want.runChart;
    same(
      "runChart.summary",
      [got.runChart.median, got.runChart.runs, got.runChart.runsLower, got.runChart.runsUpper],
      [r.median, r.runs, r.runsLimits?.lower ?? null, r.runsLimits?.upper ?? null],
    );
    const { shift, trend, tooFewRuns, tooManyRuns, astronomical } = got.runChart;
    same("runChart.signals", { shift, trend, tooFewRuns, tooManyRuns, astronomical }, r.signals);
    if (got.runChart.points)
      same(
        "runChart.points",
        got.runChart.points,
        r.points.map((p) => ({ date: p.date, value: p.value, rules: p.rules })),
      );
  }
  return out;
}

async function post(url: string, query: string, variables: Record<string, unknown>): Promise<any> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: any; errors?: unknown };
  if (res.status !== 200 || body.errors)
    throw new Error(`HTTP ${res.status}: ${JSON.stringify(body.errors ?? body).slice(0, 300)}`);
  return body.data;
}

/** Bulk insert (not timed): one INSERT … SELECT FROM unnest(arrays) per table chunk. */
async function load(
  db: { sql: { query: (sql: string, params?: unknown[]) => Promise<unknown> } },
  series: Series[],
): Promise<void> {
  const projects = [...new Set(series.map((s) => s.project))];
  await db.sql.query(
    `INSERT INTO "Project" (local, title, aim, status, "updatedAt") SELECT l, 'Benchmark project ' || l, 'Analyse measures quickly', 'ACTIVE', now() FROM unnest($1::text[]) AS l`,
    [projects],
  );
  await db.sql.query(
    `INSERT INTO "Measure" (id, "projectLocal", position, name, unit, improvement, target)
     SELECT id, p, pos, 'Measure ' || id, 'count', imp, t FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::float8[]) AS x(id, p, pos, imp, t)`,
    [
      series.map((s) => s.id),
      series.map((s) => s.project),
      series.map((_, i) => i % MEASURES_PER_PROJECT),
      series.map((s) => s.improvement),
      series.map((s) => s.target),
    ],
  );
  const CHUNK = 1000; // measures per statement (100,000 points at 100 points each)
  for (let k = 0; k < series.length; k += CHUNK) {
    const part = series.slice(k, k + CHUNK);
    await db.sql.query(
      `INSERT INTO "DataPoint" ("measureId", date, value) SELECT * FROM unnest($1::text[], $2::date[], $3::float8[])`,
      [
        part.flatMap((s) => s.points.map(() => s.id)),
        part.flatMap((s) => s.points.map((p) => p.date)),
        part.flatMap((s) => s.points.map((p) => p.value)),
      ],
    );
  }
}

export async function benchAnalysis(opts: {
  measures: number;
  points: number;
  log: (m: string) => void;
}): Promise<AnalysisBenchResult> {
  const { log } = opts;
  const series = makeSeries(opts.measures, opts.points);

  // Both sides are timed ROUNDS times, interleaved, and each keeps its fastest pass: the machines are
  // shared and a neighbour's burst can double one pass; the fastest pass is the closest to each
  // side's own cost. Warm-ups first, so that both run JIT-compiled code.
  for (const s of series.slice(0, 200)) analyse(s);
  const timeFunctions = () => {
    (globalThis as { gc?: () => void }).gc?.();
    const t = performance.now();
    let ok = 0;
    for (const s of series) if (analyse(s).spc.status === "OK") ok++;
    return { seconds: (performance.now() - t) / 1000, ok };
  };

  const partner: Partner = {
    id: "bench-projects",
    name: "Bench projects",
    organisation: "nhs-england",
    kind: "projects",
    port: 1,
    region: "national",
    enabled: true,
    url: "http://unused",
  };
  const registry = new Registry([partner], "unused");
  const built = await buildService(projectsService, {
    partner,
    store: { kind: "embedded" },
    logger: pino({ level: "silent" }),
    seed: false,
    registry: () => registry,
    partnerTimeoutMs: 60_000,
    harvestIntervalMs: 86_400_000,
    // The bench is the partner's only caller, unsigned, and measures analysis speed, not limits:
    // a request of 25 projects' full analyses is estimated at 461,801 (250,000 for unsigned callers).
    limits: { PARTNER_RATE_LIMIT_REQUESTS: 0, MAX_QUERY_COST: 1_000_000 },
  });
  const service = await startService(built, { port: 0, host: "127.0.0.1", maxBodyBytes: 1_000_000 });
  try {
    log(`loading ${series.length} measures into a projects subgraph (embedded store; not timed)`);
    await load(built.db, series);
    const projectIds = [...new Set(series.map((s) => s.project))].map((local) =>
      formatId(partner.id, "projects", local),
    );
    const pages: string[][] = [];
    for (let k = 0; k < projectIds.length; k += PROJECTS_PER_REQUEST)
      pages.push(projectIds.slice(k, k + PROJECTS_PER_REQUEST));
    for (const q of [FULL_QUERY, SUMMARY_QUERY])
      await post(service.url, q, { r: pages[0]!.map((id) => ({ __typename: "Project", id })) });

    const answers = new Map<string, any>();
    // Each timed pass starts from a collected heap (the process runs with --expose-gc), so that
    // neither side pays for the garbage the previous pass left, such as the last full answers.
    const collect = () => (globalThis as { gc?: () => void }).gc?.();
    const timeSubgraph = async (query: string) => {
      answers.clear();
      collect();
      const statementsBefore = built.db.statements.count;
      const t = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: PARALLEL_REQUESTS }, async () => {
          while (next < pages.length) {
            const page = pages[next++]!;
            const data = await post(service.url, query, { r: page.map((id) => ({ __typename: "Project", id })) });
            for (const p of data._entities) for (const m of p?.measures ?? []) answers.set(m.id, m);
          }
        }),
      );
      return { seconds: (performance.now() - t) / 1000, statements: built.db.statements.count - statementsBefore };
    };

    let functionSeconds = Infinity;
    let subgraphSeconds = Infinity;
    let summarySeconds = Infinity;
    const mismatches: string[] = [];
    let sampled = 0;
    const check = () => {
      for (let k = 0; k < series.length; k += SAMPLE_EVERY) {
        const got = answers.get(series[k]!.id);
        if (!got) continue;
        sampled++;
        mismatches.push(...compare(series[k]!, got));
      }
    };
    let statements = 0;
    let xmrCharts = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      log(
        `round ${round}/${ROUNDS}: functions in process, then ${pages.length} requests of ${PROJECTS_PER_REQUEST * MEASURES_PER_PROJECT} measures, ${PARALLEL_REQUESTS} at a time`,
      );
      const f = timeFunctions();
      const summary = await timeSubgraph(SUMMARY_QUERY);
      summarySeconds = Math.min(summarySeconds, summary.seconds);
      if (round === 1) check();
      const g = await timeSubgraph(FULL_QUERY);
      functionSeconds = Math.min(functionSeconds, f.seconds);
      subgraphSeconds = Math.min(subgraphSeconds, g.seconds);
      statements = g.statements;
      xmrCharts = f.ok;
    }
    const statementsPerRequest = statements / pages.length;

    const answered = series.filter((s) => answers.get(s.id)?.spc?.status && answers.get(s.id)?.runChart?.status).length;
    check();
    log(
      `${xmrCharts} of ${series.length} measures had an XmR chart; ${answered} answered by the subgraph; ${sampled} compared`,
    );
    return {
      measures: series.length,
      points: opts.points,
      functionSeconds,
      subgraphSeconds,
      functionRate: series.length / functionSeconds,
      subgraphRate: series.length / subgraphSeconds,
      ratio: subgraphSeconds / functionSeconds,
      summarySeconds,
      summaryRatio: summarySeconds / functionSeconds,
      requests: pages.length,
      statementsPerRequest,
      answered,
      sampled,
      mismatches,
      ok: answered === series.length && mismatches.length === 0,
    };
  } finally {
    await service.close();
  }
}

// Pictures of a project's data: each measure's chart (XmR or run chart) and the project's driver
// diagram, as SVG, from the same analysis the API returns; plus the partner's HTTP route that
// serves a measure's chart by URL (GET /charts/measures/<measure id>.svg?type=run).
import { DRIVERS, CONDITIONS } from "../../schema/vocabulary.ts";
import type { OpenedDatabase } from "../../lib/db/open.ts";
import type { RouteHandler } from "../../lib/http-server.ts";
import { ErrorCode } from "../../lib/errors.ts";
import { analyseRunChart, analyseXmr, type DataPoint, type ImprovementDirection } from "./analysis/index.ts";
import { xmrSvg } from "./charts/xmr-svg.ts";
import { runChartSvg } from "./charts/run-chart-svg.ts";
import { driverDiagramSvg } from "./charts/driver-diagram-svg.ts";
import { notAnalysedSvg } from "../../lib/charts/svg.ts";
import { seriesOf } from "./data/measures.ts";
import type { Measure, PrismaClient } from "./generated/prisma/client.ts";
import type { ChartType, MeasureResolvers, ProjectResolvers } from "./generated/graphql.ts";

export function measureChart(m: Measure, points: DataPoint[], type: ChartType, phaseStarts: string[] = []): string {
  const title = `${m.name}${m.illustrative ? " (illustrative data)" : ""}`;
  if (type === "RUN") {
    const run = analyseRunChart(points);
    return run.status === "OK"
      ? runChartSvg({ title, unit: m.unit, analysis: run })
      : notAnalysedSvg(title, run.reason);
  }
  const xmr = analyseXmr(points, { direction: m.improvement as ImprovementDirection, target: m.target, phaseStarts });
  return xmr.status === "OK"
    ? xmrSvg({ title, unit: m.unit, target: m.target, analysis: xmr })
    : notAnalysedSvg(title, xmr.reason);
}

const CONDITION_OF_DRIVER = new Map<string, string>(DRIVERS.map((d) => [d.id, d.condition]));

export const chartResolvers: {
  Measure: Pick<MeasureResolvers, "chart" | "chartUrl">;
  Project: Pick<ProjectResolvers, "driverDiagram">;
} = {
  Measure: {
    chart: async (m, args, ctx) => {
      return measureChart(m, await ctx.measures.points.load(m.id), args.type ?? "XMR", [...(args.phaseStarts ?? [])]);
    },
    chartUrl: (m, args, ctx) =>
      new URL(`/charts/measures/${m.id}.svg${args.type === "RUN" ? "?type=run" : ""}`, ctx.publicUrl()).toString(),
  },
  Project: {
    driverDiagram: async (p, _, ctx) => {
      const cycles = await ctx.cycles.pdsa.load(p.local);
      const ideas = cycles.map((c) => `PDSA ${c.number}: ${c.title}`);
      const primary = CONDITIONS.filter((c) => p.drivers.some((d) => CONDITION_OF_DRIVER.get(d) === c.id)).map(
        (c, i) => ({
          label: c.name,
          secondary: DRIVERS.filter((d) => d.condition === c.id && p.drivers.includes(d.id)).map((d, j) => ({
            label: d.name,
            // Change ideas are the project's tests of change; they sit under its first driver.
            changeIdeas: i === 0 && j === 0 ? ideas : [],
          })),
        }),
      );
      return driverDiagramSvg({ aim: p.aim, primary });
    },
  },
};

/**
 * Headers of every chart route answer. An SVG opened by its URL is a document a browser renders,
 * scripts and fetches included: the policy lets it load nothing and run nothing (the charts draw
 * with presentation attributes only, so they need no style-src either), may not be framed, and
 * nosniff stops a browser from reading a body as another type than the one declared.
 */
export const CHART_SECURITY_HEADERS = {
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  "x-content-type-options": "nosniff",
} as const;

/** GET /charts/measures/<id>.svg[?type=run][&phase=YYYY-MM-DD…]: the chart as image/svg+xml. */
export function chartRoutes(db: OpenedDatabase<PrismaClient>): Record<string, RouteHandler> {
  return {
    "/charts/measures": async (req, res) => {
      const url = new URL(req.url ?? "/", "http://localhost");
      const match = /^\/charts\/measures\/([0-9a-f-]{36})\.svg$/.exec(url.pathname);
      // A draft project's charts are not served: an <img> request carries no identity to show them to.
      const measure = match
        ? await db.prisma.measure.findFirst({ where: { id: match[1]!, project: { publication: "PUBLISHED" } } })
        : null;
      if (!measure) {
        res.writeHead(404, { "content-type": "application/json", ...CHART_SECURITY_HEADERS });
        res.end(
          JSON.stringify({ errors: [{ message: "No such measure", extensions: { code: ErrorCode.NOT_FOUND } }] }),
        );
        return;
      }
      const points = (await seriesOf(db.sql, [measure.id])).get(measure.id) ?? [];
      const phases = url.searchParams.getAll("phase").filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d));
      res.writeHead(200, {
        "content-type": "image/svg+xml; charset=utf-8",
        "cache-control": "public, max-age=60",
        ...CHART_SECURITY_HEADERS,
      });
      res.end(measureChart(measure, points, url.searchParams.get("type") === "run" ? "RUN" : "XMR", phases));
    },
  };
}

// The funnel plot of one library measure across organisations (MeasureComparison.funnel.chart): each
// organisation's rate over its latest points (y) by its denominator (x), with the pooled rate and
// the 95% and 99.8% limits (charts/funnel.ts) narrowing to the right. Points outside the limits are
// coloured as Making Data Count colours special cause: blue on the side of improvement, orange on
// the side of concern, purple when the measure has no direction. Accessible like every chart here:
// its title and description say in words what it shows. Pure: same input, same string.
import {
  coord,
  legendItems,
  plotAxes,
  el,
  formatNumber,
  formatTick,
  idPrefix,
  linearScale,
  listInWords,
  niceDomain,
  NHS_COLOURS,
  svgDocument,
  textEl,
  truncate,
} from "../../../lib/charts/svg.ts";
import type { DenominatorKind } from "../../../schema/measure-library.ts";
import { FUNNEL_Z, funnelLimits, type FunnelBand } from "./funnel.ts";

export interface FunnelPoint {
  organisation: string;
  project: string;
  numerator: number;
  denominator: number;
  band: FunnelBand;
}

export interface FunnelChart {
  /** The measure's name, e.g. "Falls per 1,000 occupied bed days". */
  title: string;
  /** The rate's multiplier and what it counts, e.g. 1000 and "occupied bed days". */
  per: number;
  of: string;
  kind: DenominatorKind;
  improvement: string;
  /** Pooled rate per unit (funnel.ts pooledRate). */
  theta: number;
  points: readonly FunnelPoint[];
}

export const FUNNEL_SIZE = Object.freeze({ width: 720, height: 420, top: 64, right: 28, bottom: 52, left: 68 });
const SAMPLES = 80;

/** The colour of a point: grey within the limits, else by the side it is on and the measure's direction. */
export function bandColour(band: FunnelBand, improvement: string): string {
  if (band === "WITHIN") return NHS_COLOURS.midGrey;
  if (improvement === "NEUTRAL") return NHS_COLOURS.purple;
  const high = band.startsWith("ABOVE");
  return high === (improvement === "INCREASE") ? NHS_COLOURS.blue : NHS_COLOURS.orange;
}

const BAND_WORDS: Record<FunnelBand, string> = {
  WITHIN: "within the 95% limits",
  ABOVE_95: "above the 95% limit",
  ABOVE_99_8: "above the 99.8% limit",
  BELOW_95: "below the 95% limit",
  BELOW_99_8: "below the 99.8% limit",
};

/** Counts read as counts: 120,000 occupied bed days, not 120000. */
const count = (n: number) => n.toLocaleString("en-GB", { maximumFractionDigits: 2 });

export function funnelDescription(c: FunnelChart): string {
  const per = `per ${c.per.toLocaleString("en-GB")} ${c.of}`;
  if (c.points.length === 0) return `No organisation reports ${c.title} with numerators and denominators yet.`;
  const parts = c.points.map(
    (p) =>
      `${p.organisation} (${p.project}): ${count(p.numerator)} ${c.kind === "POPULATION" ? "of" : "over"} ${count(p.denominator)} ${c.of}, ${formatNumber((p.numerator / p.denominator) * c.per)} ${per}, ${BAND_WORDS[p.band]}`,
  );
  return `Funnel plot of ${c.title} at ${c.points.length} organisation${c.points.length === 1 ? "" : "s"}: each rate against the pooled rate of ${formatNumber(c.theta * c.per)} ${per}, with 95% and 99.8% limits that narrow as the denominator grows. ${listInWords(parts)}.`;
}

export function funnelSvg(c: FunnelChart): string {
  const S = FUNNEL_SIZE;
  const plot = { left: S.left, right: S.width - S.right, top: S.top, bottom: S.height - S.bottom };
  const ds = c.points.map((p) => p.denominator);
  const x = niceDomain(
    [0, ...(ds.length ? ds : [1])].map((d) => d * 1.08),
    5,
  );
  const xScale = linearScale(x.domain, [plot.left, plot.right]);
  // Limits widen without bound towards a denominator of 0: the y scale shows them from half the
  // smallest denominator on (the curves are clipped to the plot above that).
  const fromD = Math.max(x.domain[1] / SAMPLES, (ds.length ? Math.min(...ds) : x.domain[1]) / 2);
  const near = funnelLimits(c.theta, fromD, c.kind, FUNNEL_Z.outer);
  const rates = c.points.map((p) => (p.numerator / p.denominator) * c.per);
  // Not from 0: the limits are what must be readable, and a rate scale from 0 would squash them.
  const y = niceDomain([...rates, near.lower * c.per, near.upper * c.per, c.theta * c.per], 5);
  const yScale = linearScale(y.domain, [plot.bottom, plot.top]);
  const id = idPrefix("funnel", c.title, ...c.points.map((p) => `${p.organisation}|${p.numerator}|${p.denominator}`));
  const clip = `${id}-clip`;

  const curve = (z: number, side: "lower" | "upper") => {
    const pts: string[] = [];
    for (let i = 0; i <= SAMPLES; i++) {
      const d = fromD + ((x.domain[1] - fromD) * i) / SAMPLES;
      pts.push(`${coord(xScale(d))},${coord(yScale(funnelLimits(c.theta, d, c.kind, z)[side] * c.per))}`);
    }
    return pts.join(" ");
  };
  const limitLine = (z: number, side: "lower" | "upper", dash: string | undefined, cls: string) =>
    el("polyline", {
      class: cls,
      points: curve(z, side),
      fill: "none",
      stroke: NHS_COLOURS.darkGrey,
      "stroke-width": 1.5,
      "stroke-dasharray": dash,
      "clip-path": `url(#${clip})`,
    });

  const grid = [
    ...y.ticks.map((t) =>
      el("g", { class: "y-tick", "data-value": String(t) }, [
        el("line", { x1: plot.left, x2: plot.right, y1: yScale(t), y2: yScale(t), stroke: NHS_COLOURS.paleGrey }),
        textEl(
          "text",
          {
            x: plot.left - 8,
            y: yScale(t),
            "text-anchor": "end",
            "dominant-baseline": "middle",
            "font-size": 11,
            fill: NHS_COLOURS.darkGrey,
          },
          formatTick(t, y.step),
        ),
      ]),
    ),
    ...x.ticks.map((t) =>
      el("g", { class: "x-tick", "data-value": String(t) }, [
        el("line", {
          x1: xScale(t),
          x2: xScale(t),
          y1: plot.bottom,
          y2: plot.bottom + 5,
          stroke: NHS_COLOURS.darkGrey,
        }),
        textEl(
          "text",
          { x: xScale(t), y: plot.bottom + 18, "text-anchor": "middle", "font-size": 11, fill: NHS_COLOURS.darkGrey },
          count(t),
        ),
      ]),
    ),
  ];
  const axes = [
    ...plotAxes(plot, `per ${c.per.toLocaleString("en-GB")} ${c.of}`),
    textEl(
      "text",
      {
        class: "x-label",
        x: (plot.left + plot.right) / 2,
        y: plot.bottom + 40,
        "text-anchor": "middle",
        "font-size": 12,
        fill: NHS_COLOURS.darkGrey,
      },
      truncate(`Denominator: ${c.of}`, 80),
    ),
  ];
  const legend = legendItems(
    [
      { label: "Pooled rate", swatch: { kind: "line", stroke: NHS_COLOURS.blue } },
      { label: "95% limits", swatch: { kind: "line", stroke: NHS_COLOURS.darkGrey, dash: "5 4" } },
      { label: "99.8% limits", swatch: { kind: "line", stroke: NHS_COLOURS.darkGrey } },
    ],
    plot.left,
    44,
  );
  const points = c.points.map((p, i) => {
    const cx = xScale(p.denominator);
    const cy = yScale(rates[i]!);
    // Labels alternate above and below so that neighbours do not overwrite each other.
    const ly = i % 2 === 0 ? cy - 10 : cy + 18;
    return el("g", { class: "organisation", "data-band": p.band }, [
      el("circle", {
        cx,
        cy,
        r: 5.5,
        fill: bandColour(p.band, c.improvement),
        stroke: NHS_COLOURS.white,
        "stroke-width": 1,
        "data-rate": rates[i]!,
        "data-denominator": p.denominator,
      }),
      textEl(
        "text",
        {
          x: cx,
          y: ly,
          "text-anchor": cx > plot.right - 80 ? "end" : "middle",
          "font-size": 10.5,
          fill: NHS_COLOURS.black,
        },
        truncate(p.organisation, 30),
      ),
    ]);
  });
  const body = [
    el(
      "defs",
      {},
      el(
        "clipPath",
        { id: clip },
        el("rect", { x: plot.left, y: plot.top, width: plot.right - plot.left, height: plot.bottom - plot.top }),
      ),
    ),
    textEl(
      "text",
      { class: "heading", x: plot.left, y: 24, "font-size": 16, "font-weight": "bold", fill: NHS_COLOURS.black },
      truncate(`${c.title}: funnel plot`, 70),
    ),
    el("g", { class: "legend" }, legend),
    el("g", { class: "grid" }, grid),
    el("g", { class: "axes" }, axes),
    el("line", {
      class: "pooled",
      x1: plot.left,
      x2: plot.right,
      y1: yScale(c.theta * c.per),
      y2: yScale(c.theta * c.per),
      stroke: NHS_COLOURS.blue,
      "stroke-width": 2,
    }),
    limitLine(FUNNEL_Z.inner, "upper", "5 4", "limit-95 upper"),
    limitLine(FUNNEL_Z.inner, "lower", "5 4", "limit-95 lower"),
    limitLine(FUNNEL_Z.outer, "upper", undefined, "limit-99-8 upper"),
    limitLine(FUNNEL_Z.outer, "lower", undefined, "limit-99-8 lower"),
    el("g", { class: "points" }, points),
  ];
  return svgDocument({
    width: S.width,
    height: S.height,
    title: `${c.title}: funnel plot of organisations`,
    desc: funnelDescription(c),
    className: "funnel-chart",
    id,
    body: body.join(""),
  });
}

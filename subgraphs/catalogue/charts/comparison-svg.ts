// Small multiples of one library measure across organisations: a panel per entry of
// measureComparison, every panel on ONE value scale (so heights compare across panels), showing the
// current phase's process limits as a band, its mean, the target and the latest value coloured by
// its Making Data Count variation. Drawn from the harvested summaries alone (the catalogue holds no
// points), so it shows where each organisation's process sits, not its history. Pure: same input,
// same string.
import {
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
  withUnit,
} from "../../../lib/charts/svg.ts";

export interface ComparisonPanel {
  organisation: string;
  project: string;
  unit: string;
  latestValue: number | null;
  latestDate: string | null;
  mean: number | null;
  upperLimit: number | null;
  lowerLimit: number | null;
  target: number | null;
  variation: string | null;
  assurance: string | null;
  status: string;
}

export const PANEL = Object.freeze({
  width: 240,
  height: 170,
  columns: 3,
  top: 48,
  plotTop: 44,
  plotBottom: 28,
  left: 44,
  right: 12,
});

/** Improvement blue, concern orange, neutral purple, common cause grey (Making Data Count's icons). */
export function variationColour(variation: string | null): string {
  if (!variation) return NHS_COLOURS.midGrey;
  if (variation.includes("IMPROVEMENT")) return NHS_COLOURS.blue;
  if (variation.includes("CONCERN")) return NHS_COLOURS.orange;
  if (variation.includes("NEUTRAL")) return NHS_COLOURS.purple;
  return NHS_COLOURS.midGrey;
}

const words = (v: string | null) => (v ? v.toLowerCase().replace(/_/g, " ") : "none");

export function comparisonDescription(measure: string, panels: readonly ComparisonPanel[]): string {
  if (panels.length === 0) return `No organisation reports ${measure} yet.`;
  const parts = panels.map((p) => {
    const latest =
      p.latestValue === null
        ? "no data yet"
        : `latest ${withUnit(p.latestValue, p.unit)}${p.latestDate ? ` (${p.latestDate})` : ""}`;
    const limits =
      p.mean === null
        ? "not analysed"
        : `mean ${formatNumber(p.mean)}, process limits ${formatNumber(p.lowerLimit!)} to ${formatNumber(p.upperLimit!)}`;
    return `${p.organisation} (${p.project}): ${latest}; ${limits}; variation ${words(p.variation)}; assurance ${words(p.assurance)}${p.target === null ? "" : `; target ${formatNumber(p.target)}`}`;
  });
  return `${measure} at ${panels.length} organisation${panels.length === 1 ? "" : "s"}, on one scale. ${listInWords(parts)}.`;
}

export function comparisonSvg(measure: string, panels: readonly ComparisonPanel[]): string {
  const rows = Math.max(1, Math.ceil(panels.length / PANEL.columns));
  const width = PANEL.width * Math.min(PANEL.columns, Math.max(1, panels.length));
  const height = PANEL.top + rows * PANEL.height;
  const values = panels
    .flatMap((p) => [p.latestValue, p.mean, p.upperLimit, p.lowerLimit, p.target])
    .filter((v): v is number => v !== null && Number.isFinite(v));
  const { domain, ticks, step } = niceDomain(values.length ? values : [0, 1], 4);
  const id = idPrefix("comparison", measure, ...panels.map((p) => `${p.organisation}|${p.latestValue}|${p.mean}`));
  const body = [
    textEl(
      "text",
      { x: 12, y: 24, "font-size": 16, "font-weight": "bold", fill: NHS_COLOURS.black },
      truncate(measure, 80),
    ),
    ...panels.map((p, i) =>
      panel(
        p,
        (i % PANEL.columns) * PANEL.width,
        PANEL.top + Math.floor(i / PANEL.columns) * PANEL.height,
        domain,
        ticks,
        step,
      ),
    ),
  ];
  return svgDocument({
    width,
    height,
    title: `${measure}: comparison of organisations`,
    desc: comparisonDescription(measure, panels),
    className: "comparison-chart",
    id,
    body: body.join(""),
  });
}

function panel(
  p: ComparisonPanel,
  x0: number,
  y0: number,
  domain: readonly [number, number],
  ticks: readonly number[],
  step: number,
): string {
  const y = linearScale(domain, [y0 + PANEL.height - PANEL.plotBottom, y0 + PANEL.plotTop]);
  const left = x0 + PANEL.left;
  const right = x0 + PANEL.width - PANEL.right;
  const parts: string[] = [
    textEl(
      "text",
      { x: x0 + 8, y: y0 + 16, "font-size": 12, "font-weight": "bold", fill: NHS_COLOURS.black },
      truncate(p.organisation, 34),
    ),
    textEl("text", { x: x0 + 8, y: y0 + 30, "font-size": 10, fill: NHS_COLOURS.darkGrey }, truncate(p.project, 40)),
    ...ticks.map((t) => el("line", { x1: left, x2: right, y1: y(t), y2: y(t), stroke: NHS_COLOURS.paleGrey })),
    ...ticks.map((t) =>
      textEl(
        "text",
        { x: left - 4, y: y(t) + 3, "font-size": 9, "text-anchor": "end", fill: NHS_COLOURS.darkGrey },
        formatTick(t, step),
      ),
    ),
  ];
  if (p.mean !== null && p.upperLimit !== null && p.lowerLimit !== null) {
    parts.push(
      el("rect", {
        class: "limits",
        x: left,
        width: right - left,
        y: y(p.upperLimit),
        height: Math.max(0, y(p.lowerLimit) - y(p.upperLimit)),
        fill: NHS_COLOURS.paleGrey,
        "fill-opacity": 0.7,
      }),
      el("line", {
        class: "mean",
        x1: left,
        x2: right,
        y1: y(p.mean),
        y2: y(p.mean),
        stroke: NHS_COLOURS.darkGrey,
        "stroke-width": 1.5,
      }),
    );
  } else {
    parts.push(
      textEl(
        "text",
        {
          x: (left + right) / 2,
          y: y0 + PANEL.height / 2 + 10,
          "font-size": 10,
          "text-anchor": "middle",
          fill: NHS_COLOURS.darkGrey,
        },
        "Not analysed yet",
      ),
    );
  }
  if (p.target !== null)
    parts.push(
      el("line", {
        class: "target",
        x1: left,
        x2: right,
        y1: y(p.target),
        y2: y(p.target),
        stroke: NHS_COLOURS.green,
        "stroke-dasharray": "4 3",
      }),
    );
  if (p.latestValue !== null) {
    parts.push(
      el("circle", {
        class: "latest",
        cx: right - 16,
        cy: y(p.latestValue),
        r: 5,
        fill: variationColour(p.variation),
        "data-value": p.latestValue,
      }),
    );
  }
  return el("g", { class: "panel" }, parts);
}

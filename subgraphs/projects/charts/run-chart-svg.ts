// Run chart as an accessible SVG string, drawn from an analyseRunChart result (pure: no I/O).
//
// Drawn: the values as a line, the median (solid over the baseline it was computed from, dashed where
// it is extended, i.e. "frozen", over later points), and each point as a circle coloured by the rule
// that flags it. A run chart has no improvement direction, so colours say "non-random pattern", not
// good or bad. When several rules flag a point the colour follows RUN_RULE_PRECEDENCE; data-rules
// lists all of them. The runs rule is series-level and is reported in the description only.

import type { RunChartAnalysis, RunChartRule } from "../analysis/index.ts";
import {
  NHS_COLOURS,
  dateFormatter,
  el,
  idPrefix,
  listInWords,
  plural,
  polyline,
  seriesFrame,
  svgDocument,
  SERIES_HEIGHT,
  SERIES_WIDTH,
  textEl,
  withUnit,
} from "../../../lib/charts/svg.ts";

export type RunChartPointClass = RunChartRule | "NONE";

/** Fill colour of a point by the rule that flags it (the single place this mapping lives). */
export const RUN_RULE_COLOURS: Readonly<Record<RunChartPointClass, string>> = Object.freeze({
  ASTRONOMICAL: NHS_COLOURS.pink,
  SHIFT: NHS_COLOURS.blue,
  TREND: NHS_COLOURS.orange,
  NONE: NHS_COLOURS.midGrey,
});

/** Which rule colours a point flagged by several: the rarest, most specific signal first. */
export const RUN_RULE_PRECEDENCE: readonly RunChartRule[] = Object.freeze(["ASTRONOMICAL", "SHIFT", "TREND"]);

export function runChartPointClass(rules: readonly RunChartRule[]): RunChartPointClass {
  return RUN_RULE_PRECEDENCE.find((r) => rules.includes(r)) ?? "NONE";
}

const RULE_WORDS: Record<RunChartRule, string> = {
  SHIFT: "shift (6 or more consecutive points on one side of the median)",
  TREND: "trend (5 or more consecutive points all going up or all going down)",
  ASTRONOMICAL: "astronomical point (a value far outside the rest of the series)",
};

const MEDIAN_STYLE = { stroke: NHS_COLOURS.black, extendedDash: "6 4" };

export interface RunChartSvgInput {
  title: string;
  unit: string;
  analysis: RunChartAnalysis;
}

export function runChartDescription(input: RunChartSvgInput): string {
  const { analysis: a, unit } = input;
  const pts = a.points;
  const first = pts[0];
  const last = pts[pts.length - 1];
  const fmtDate = dateFormatter(pts.map((p) => p.date));
  const parts: string[] = [];
  parts.push(
    `Run chart of ${plural(pts.length, "point")}${first && last ? ` from ${fmtDate(first.date)} to ${fmtDate(last.date)}` : ""}${unit.trim() ? `, in ${unit.trim()}` : ""}.`,
  );
  parts.push(
    a.baselineLength < pts.length
      ? `Median ${withUnit(a.median, unit)}, from the first ${plural(a.baselineLength, "point")} and extended over the rest.`
      : `Median ${withUnit(a.median, unit)}.`,
  );
  parts.push(
    a.runsLimits
      ? `${plural(a.runs, "run")} for ${a.usefulObservations} points not on the median (a random pattern gives ${a.runsLimits.lower} to ${a.runsLimits.upper}).`
      : `${plural(a.runs, "run")} for ${a.usefulObservations} points not on the median.`,
  );
  const found: string[] = [];
  for (const rule of ["SHIFT", "TREND", "ASTRONOMICAL"] as const) {
    const flagged = pts.filter((p) => p.rules.includes(rule));
    if (flagged.length)
      found.push(
        `${RULE_WORDS[rule]}, ${plural(flagged.length, "point")} (${listInWords(flagged.map((p) => fmtDate(p.date)))})`,
      );
  }
  if (a.signals.tooFewRuns) found.push("too few runs");
  if (a.signals.tooManyRuns) found.push("too many runs");
  parts.push(
    found.length ? `Signals of non-random variation: ${found.join("; ")}.` : "No signal of non-random variation.",
  );
  return parts.join(" ");
}

export function runChartSvg(input: RunChartSvgInput): string {
  const { analysis: a, title, unit } = input;
  const pts = a.points;
  const dates = pts.map((p) => p.date);
  const fmtDate = dateFormatter(dates);
  const frame = seriesFrame({
    title,
    unit,
    dates,
    extent: [...pts.map((p) => p.value), a.median],
    legend: [
      { label: "Shift", swatch: { kind: "circle", fill: RUN_RULE_COLOURS.SHIFT } },
      { label: "Trend", swatch: { kind: "circle", fill: RUN_RULE_COLOURS.TREND } },
      { label: "Astronomical", swatch: { kind: "circle", fill: RUN_RULE_COLOURS.ASTRONOMICAL } },
      { label: "No signal", swatch: { kind: "circle", fill: RUN_RULE_COLOURS.NONE } },
      { label: "Median", swatch: { kind: "line", stroke: MEDIAN_STYLE.stroke } },
    ],
  });
  const { x, y, boundary } = frame;
  const my = y(a.median);
  const split = Math.min(a.baselineLength, pts.length);
  const medianLines = [
    el("line", {
      class: "median",
      x1: boundary(0),
      x2: boundary(split),
      y1: my,
      y2: my,
      stroke: MEDIAN_STYLE.stroke,
      "stroke-width": 1.5,
      "data-value": String(a.median),
    }),
    split < pts.length
      ? el("line", {
          class: "median median-extended",
          x1: boundary(split),
          x2: boundary(pts.length),
          y1: my,
          y2: my,
          stroke: MEDIAN_STYLE.stroke,
          "stroke-width": 1.5,
          "stroke-dasharray": MEDIAN_STYLE.extendedDash,
          "data-value": String(a.median),
        })
      : "",
  ];
  const circles = pts.map((p) => {
    const cls = runChartPointClass(p.rules);
    return el(
      "circle",
      {
        class: `point point-${cls.toLowerCase()}`,
        cx: x(p.index),
        cy: y(p.value),
        r: 4,
        fill: RUN_RULE_COLOURS[cls],
        stroke: NHS_COLOURS.white,
        "stroke-width": 1,
        "data-date": p.date,
        "data-value": String(p.value),
        "data-class": cls,
        "data-rules": p.rules.join(" "),
      },
      textEl(
        "title",
        {},
        `${fmtDate(p.date)}: ${withUnit(p.value, unit)}${p.rules.length ? ` (${p.rules.map((r) => r.toLowerCase()).join(", ")})` : ""}`,
      ),
    );
  });
  return svgDocument({
    width: SERIES_WIDTH,
    height: SERIES_HEIGHT,
    title,
    desc: runChartDescription(input),
    className: "chart run-chart",
    id: idPrefix("run", title, unit, ...pts.map((p) => `${p.date}=${p.value}`)),
    body: [
      frame.markup,
      el("g", { class: "centre" }, medianLines),
      polyline(
        "values",
        pts.map((p) => [x(p.index), y(p.value)] as const),
        NHS_COLOURS.darkGrey,
      ),
      el("g", { class: "points" }, circles),
    ].join(""),
  });
}

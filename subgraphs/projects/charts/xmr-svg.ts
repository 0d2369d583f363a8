// XmR (SPC) chart as an accessible SVG string, drawn from an analyseXmr result (pure: no I/O).
//
// What is drawn, per Making Data Count conventions:
//  - the values as a line, one line per phase (a phase is a deliberate process change, so the line
//    and the limits restart there), with a dashed vertical marker at each phase change;
//  - per phase: the mean (solid) and the upper/lower process limits (dashed);
//  - the target as a line when there is one;
//  - each point as a circle filled by its classification (XMR_CLASS_COLOURS), carrying
//    data-date, data-value (exact), data-class and data-rules (space-separated XmrRule names).
// The <desc> says in words what the icons would say: the variation and assurance categories.
//
// Colours: MDC uses blue for improvement, orange for concern and grey for common cause. We use NHS
// Blue #005EB8 rather than NHS Light Blue #41B6E6 for improvement because light blue on white is
// about 2.3:1, below the 3:1 WCAG 2.1 (1.4.11) asks of graphical objects; blue/orange also stays
// distinguishable with the common colour-vision deficiencies. The classification is also in the
// data attributes, each point's tooltip and the description, so colour is never the only carrier.

import type { Assurance, PointClassification, VariationIcon, XmrAnalysis } from "../analysis/index.ts";
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

/** Fill colour of a point by its classification (the single place this mapping lives). */
export const XMR_CLASS_COLOURS: Readonly<Record<PointClassification, string>> = Object.freeze({
  IMPROVEMENT: NHS_COLOURS.blue,
  CONCERN: NHS_COLOURS.orange,
  // MDC draws neutral special cause in purple.
  NEUTRAL: NHS_COLOURS.purple,
  COMMON_CAUSE: NHS_COLOURS.midGrey,
});

/** Stroke colours and dash patterns of the reference lines. */
export const XMR_LINE_STYLES = Object.freeze({
  values: { stroke: NHS_COLOURS.darkGrey },
  mean: { stroke: NHS_COLOURS.black, dash: undefined },
  limit: { stroke: NHS_COLOURS.darkGrey, dash: "6 4" },
  target: { stroke: NHS_COLOURS.pink, dash: "2 3" },
  phaseChange: { stroke: NHS_COLOURS.midGrey, dash: "3 3" },
});

const CLASS_WORDS: Record<PointClassification, string> = {
  IMPROVEMENT: "special cause improvement",
  CONCERN: "special cause concern",
  NEUTRAL: "special cause (neither higher nor lower is better)",
  COMMON_CAUSE: "common cause variation",
};

export const VARIATION_WORDS: Readonly<Record<VariationIcon, string>> = Object.freeze({
  COMMON_CAUSE: "common cause variation: the latest point shows no signal of special cause",
  SPECIAL_CAUSE_IMPROVEMENT_HIGH:
    "special cause improvement: the latest point is part of a signal of unusually high values, and higher is better",
  SPECIAL_CAUSE_IMPROVEMENT_LOW:
    "special cause improvement: the latest point is part of a signal of unusually low values, and lower is better",
  SPECIAL_CAUSE_CONCERN_HIGH:
    "special cause concern: the latest point is part of a signal of unusually high values, and lower is better",
  SPECIAL_CAUSE_CONCERN_LOW:
    "special cause concern: the latest point is part of a signal of unusually low values, and higher is better",
  SPECIAL_CAUSE_NEUTRAL_HIGH:
    "special cause, neutral: the latest point is part of a signal of unusually high values; neither direction is better",
  SPECIAL_CAUSE_NEUTRAL_LOW:
    "special cause, neutral: the latest point is part of a signal of unusually low values; neither direction is better",
});

export const ASSURANCE_WORDS: Readonly<Record<Assurance, string>> = Object.freeze({
  CONSISTENTLY_PASSES:
    "the process is expected to consistently meet the target (the target lies outside the current process limits, on the good side)",
  CONSISTENTLY_FAILS:
    "the process is expected to consistently miss the target (the target lies outside the current process limits, on the wrong side)",
  HIT_AND_MISS:
    "hit and miss: the target lies within the current process limits, so it will be met some of the time and missed some of the time",
});

export interface XmrSvgInput {
  title: string;
  unit: string;
  target?: number | null;
  analysis: XmrAnalysis;
}

/** The text alternative: variation, assurance, phases and signals in words. */
export function xmrDescription(input: XmrSvgInput): string {
  const { analysis: a, unit } = input;
  const pts = a.points;
  const first = pts[0];
  const last = pts[pts.length - 1];
  const fmtDate = dateFormatter(pts.map((p) => p.date));
  const target = input.target ?? null;
  const parts: string[] = [];
  parts.push(
    `XmR chart of ${plural(pts.length, "point")}${first && last ? ` from ${fmtDate(first.date)} to ${fmtDate(last.date)}` : ""}${unit.trim() ? `, in ${unit.trim()}` : ""}; ${a.direction === "NEUTRAL" ? "neither higher nor lower is better" : `${a.direction === "INCREASE" ? "higher" : "lower"} is better`}.`,
  );
  parts.push(a.variation ? `Variation: ${VARIATION_WORDS[a.variation]}.` : `No variation icon: ${a.iconReason}.`);
  parts.push(
    target === null
      ? "Assurance: no target is set, so there is no assurance category."
      : a.assurance === null
        ? `Target ${withUnit(target, unit)}.`
        : `Assurance against the target of ${withUnit(target, unit)}: ${ASSURANCE_WORDS[a.assurance]}.`,
  );
  a.phases.forEach((ph, i) => {
    const label =
      a.phases.length > 1
        ? `Phase ${i + 1} (from ${fmtDate(ph.startDate)}, ${plural(ph.pointCount, "point")})`
        : "Mean and limits";
    parts.push(
      `${label}: mean ${withUnit(ph.mean, unit)}, process limits ${withUnit(ph.lowerProcessLimit, unit)} to ${withUnit(ph.upperProcessLimit, unit)}${ph.belowRecommendedPoints ? ` (provisional: fewer than ${a.minimumPoints} points)` : ""}.`,
    );
  });
  const counts = (["IMPROVEMENT", "CONCERN", "NEUTRAL"] as const)
    .map((c) => [c, pts.filter((p) => p.classification === c)] as const)
    .filter(([, list]) => list.length);
  parts.push(
    counts.length
      ? `Special cause points: ${listInWords(counts.map(([c, list]) => `${plural(list.length, "point")} of ${CLASS_WORDS[c]} (${listInWords(list.map((p) => fmtDate(p.date)))})`))}.`
      : "No point shows special cause variation.",
  );
  return parts.join(" ");
}

export function xmrSvg(input: XmrSvgInput): string {
  const { analysis: a, title, unit } = input;
  const target = input.target ?? null;
  const pts = a.points;
  const dates = pts.map((p) => p.date);
  const fmtDate = dateFormatter(dates);
  const extent = [
    ...pts.map((p) => p.value),
    ...a.phases.flatMap((ph) => [ph.mean, ph.upperProcessLimit, ph.lowerProcessLimit]),
  ];
  if (target !== null && Number.isFinite(target)) extent.push(target);

  const frame = seriesFrame({
    title,
    unit,
    dates,
    extent,
    legend: [
      // Under a neutral direction no point is an improvement or a concern: one special-cause colour.
      ...(a.direction === "NEUTRAL"
        ? [{ label: "Special cause", swatch: { kind: "circle" as const, fill: XMR_CLASS_COLOURS.NEUTRAL } }]
        : [
            { label: "Improvement", swatch: { kind: "circle" as const, fill: XMR_CLASS_COLOURS.IMPROVEMENT } },
            { label: "Concern", swatch: { kind: "circle" as const, fill: XMR_CLASS_COLOURS.CONCERN } },
          ]),
      { label: "Common cause", swatch: { kind: "circle", fill: XMR_CLASS_COLOURS.COMMON_CAUSE } },
      { label: "Mean", swatch: { kind: "line", stroke: XMR_LINE_STYLES.mean.stroke } },
      {
        label: "Process limits",
        swatch: { kind: "line", stroke: XMR_LINE_STYLES.limit.stroke, dash: XMR_LINE_STYLES.limit.dash },
      },
      ...(target !== null
        ? [
            {
              label: "Target",
              swatch: {
                kind: "line" as const,
                stroke: XMR_LINE_STYLES.target.stroke,
                dash: XMR_LINE_STYLES.target.dash,
              },
            },
          ]
        : []),
    ],
  });
  const { x, y, boundary, plot } = frame;

  const phases = a.phases.map((ph, i) => {
    const x1 = boundary(ph.startIndex);
    const x2 = boundary(ph.endIndex);
    const hline = (cls: string, value: number, style: { stroke: string; dash?: string | undefined }) =>
      el("line", {
        class: cls,
        x1,
        x2,
        y1: y(value),
        y2: y(value),
        stroke: style.stroke,
        "stroke-width": 1.5,
        "stroke-dasharray": style.dash,
        "data-value": String(value),
      });
    const marker =
      i > 0
        ? [
            el("line", {
              class: "phase-change",
              x1,
              x2: x1,
              y1: plot.top,
              y2: plot.bottom,
              stroke: XMR_LINE_STYLES.phaseChange.stroke,
              "stroke-width": 1,
              "stroke-dasharray": XMR_LINE_STYLES.phaseChange.dash,
              "data-date": ph.startDate,
            }),
            textEl(
              "text",
              { class: "phase-label", x: x1 + 4, y: plot.top + 10, "font-size": 10, fill: NHS_COLOURS.darkGrey },
              `Phase ${i + 1}`,
            ),
          ]
        : [];
    const phasePts = pts.slice(ph.startIndex, ph.endIndex);
    return el(
      "g",
      {
        class: "phase",
        "data-phase": String(i),
        "data-start-date": ph.startDate,
        "data-provisional": ph.belowRecommendedPoints ? "true" : undefined,
      },
      [
        ...marker,
        hline("limit upper-limit", ph.upperProcessLimit, XMR_LINE_STYLES.limit),
        hline("limit lower-limit", ph.lowerProcessLimit, XMR_LINE_STYLES.limit),
        hline("mean", ph.mean, XMR_LINE_STYLES.mean),
        polyline(
          "values",
          phasePts.map((p) => [x(p.index), y(p.value)] as const),
          XMR_LINE_STYLES.values.stroke,
        ),
      ],
    );
  });

  const targetLine =
    target !== null && Number.isFinite(target)
      ? el("g", { class: "target" }, [
          el("line", {
            class: "target-line",
            x1: plot.left,
            x2: plot.right,
            y1: y(target),
            y2: y(target),
            stroke: XMR_LINE_STYLES.target.stroke,
            "stroke-width": 1.5,
            "stroke-dasharray": XMR_LINE_STYLES.target.dash,
            "data-value": String(target),
          }),
          textEl(
            "text",
            {
              x: plot.right - 2,
              y: y(target) - 4,
              "text-anchor": "end",
              "font-size": 10,
              fill: XMR_LINE_STYLES.target.stroke,
            },
            `Target ${withUnit(target, unit)}`,
          ),
        ])
      : "";

  const circles = pts.map((p) =>
    el(
      "circle",
      {
        class: `point point-${p.classification.toLowerCase().replace(/_/g, "-")}`,
        cx: x(p.index),
        cy: y(p.value),
        r: 4,
        fill: XMR_CLASS_COLOURS[p.classification],
        stroke: NHS_COLOURS.white,
        "stroke-width": 1,
        "data-date": p.date,
        "data-value": String(p.value),
        "data-class": p.classification,
        "data-rules": p.rules.join(" "),
      },
      textEl(
        "title",
        {},
        `${fmtDate(p.date)}: ${withUnit(p.value, unit)}, ${CLASS_WORDS[p.classification]}${p.rules.length ? ` (${p.rules.join(", ")})` : ""}`,
      ),
    ),
  );

  return svgDocument({
    width: SERIES_WIDTH,
    height: SERIES_HEIGHT,
    title,
    desc: xmrDescription(input),
    className: "chart xmr-chart",
    id: idPrefix("xmr", title, unit, String(target), ...pts.map((p) => `${p.date}=${p.value}`)),
    body: [frame.markup, el("g", { class: "phases" }, phases), targetLine, el("g", { class: "points" }, circles)].join(
      "",
    ),
  });
}

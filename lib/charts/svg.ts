// Shared helpers for the pure SVG chart renderers (subgraphs/projects/charts, subgraphs/catalogue/charts): XML escaping, element building,
// linear scales, "nice" axis ticks, number/date formatting, text wrapping and the accessible root
// element. Everything here is pure (no I/O, no clock, no randomness): the same input always gives
// the same string, so a chart can be rendered in a resolver, cached by URL or compared in a test.
//
// Output is standalone SVG 1.1 (xmlns set, no XML declaration) so that it works both when served as
// image/svg+xml and when inlined into HTML.

/** NHS identity colours used by the charts (NHS England colour palette). */
export const NHS_COLOURS = Object.freeze({
  blue: "#005EB8",
  darkBlue: "#003087",
  lightBlue: "#41B6E6",
  orange: "#ED8B00",
  midGrey: "#768692",
  paleGrey: "#E8EDEE",
  darkGrey: "#425563",
  black: "#212B32",
  purple: "#330072",
  pink: "#AE2573",
  green: "#007F3B",
  white: "#FFFFFF",
});

export const FONT_FAMILY = "Frutiger, Arial, Helvetica, sans-serif";

/** Escape text for use in XML character data and in double- or single-quoted attribute values. */
export function escapeXml(value: string): string {
  // Strip characters XML 1.0 forbids outright (C0 controls except tab/LF/CR, lone surrogates,
  // U+FFFE/U+FFFF): escaping cannot make them legal, and one would make the whole image unreadable.
  const legal = value.replace(
    // eslint-disable-next-line no-control-regex -- matching control characters is the point (see above)
    /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    "",
  );
  return legal
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

export type AttrValue = string | number | boolean | null | undefined;
export type Attrs = Readonly<Record<string, AttrValue>>;

/** Serialise attributes; null/undefined/false are omitted, numbers go through `coord`. */
export function attrs(a: Attrs): string {
  let out = "";
  for (const [name, v] of Object.entries(a)) {
    if (v === null || v === undefined || v === false) continue;
    const s = v === true ? name : typeof v === "number" ? coord(v) : v;
    out += ` ${name}="${escapeXml(s)}"`;
  }
  return out;
}

/**
 * Build one element. `content` is inserted as-is (it must already be markup built with these
 * helpers); use `text()` for character data. No content gives a self-closing element.
 */
export function el(name: string, a: Attrs = {}, content?: string | readonly string[]): string {
  const inner = Array.isArray(content) ? content.join("") : (content as string | undefined);
  return inner === undefined || inner === "" ? `<${name}${attrs(a)}/>` : `<${name}${attrs(a)}>${inner}</${name}>`;
}

/** An element holding escaped character data. */
export function textEl(name: string, a: Attrs, text: string): string {
  return `<${name}${attrs(a)}>${escapeXml(text)}</${name}>`;
}

/** A coordinate rounded to 2 decimals, without "-0", NaN or Infinity (which would break the image). */
export function coord(n: number): string {
  if (!Number.isFinite(n)) return "0";
  const r = Math.round(n * 100) / 100;
  return Object.is(r, -0) ? "0" : String(r);
}

export interface LinearScale {
  (value: number): number;
  domain: readonly [number, number];
  range: readonly [number, number];
}

/** Linear map from a domain to a range. A zero-width domain maps everything to the range's middle. */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]): LinearScale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  const f = ((v: number) =>
    span === 0 || !Number.isFinite(span) ? (r0 + r1) / 2 : r0 + ((v - d0) / span) * (r1 - r0)) as LinearScale;
  f.domain = [d0, d1];
  f.range = [r0, r1];
  return f;
}

/** A "nice" step (1, 2, 2.5 or 5 × 10^k) giving about `count` intervals over `span`. */
export function niceStep(span: number, count: number): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const nice = norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10;
  return nice * mag;
}

/** A padded, tick-aligned domain and its ticks covering every given value. */
export function niceDomain(
  values: readonly number[],
  tickCount = 5,
): { domain: [number, number]; ticks: number[]; step: number } {
  const finite = values.filter((v) => Number.isFinite(v));
  let lo = finite.length ? Math.min(...finite) : 0;
  let hi = finite.length ? Math.max(...finite) : 1;
  if (lo === hi) {
    // A flat series (e.g. zero moving range): give it some room so the line is not on the frame.
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep(hi - lo, tickCount);
  const start = Math.floor(lo / step + 1e-9) * step;
  const end = Math.ceil(hi / step - 1e-9) * step;
  const ticks: number[] = [];
  // Integer loop counter avoids accumulating floating-point error in the tick values.
  const n = Math.round((end - start) / step);
  for (let i = 0; i <= n; i++) ticks.push(roundTo(start + i * step, decimalsForStep(step) + 2));
  return { domain: [start, end], ticks, step };
}

function roundTo(n: number, decimals: number): number {
  const f = 10 ** Math.min(decimals, 12);
  const r = Math.round(n * f) / f;
  return Object.is(r, -0) ? 0 : r;
}

/** Number of decimals needed to show ticks `step` apart. */
export function decimalsForStep(step: number): number {
  if (!(step > 0) || !Number.isFinite(step)) return 0;
  // 2.5 × 10^k needs one more decimal than 10^k.
  let d = 0;
  while (d < 10 && Math.abs(Math.round(step * 10 ** d) - step * 10 ** d) > 1e-9 * 10 ** d) d++;
  return d;
}

/** Format an axis tick with the decimals its step needs. */
export function formatTick(value: number, step: number): string {
  return formatFixed(value, decimalsForStep(step));
}

function formatFixed(value: number, decimals: number): string {
  const s = value.toFixed(decimals);
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}

/**
 * Format a value for people: up to 3 significant digits after the point for small numbers, at most
 * 2 decimals otherwise, trailing zeros dropped, no "-0". Not for data attributes (those keep the
 * exact value so a reader can recover it).
 */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? "n/a" : value > 0 ? "∞" : "−∞";
  const abs = Math.abs(value);
  let s: string;
  if (abs === 0) s = "0";
  else if (abs >= 100) s = formatFixed(value, abs >= 1000 ? 0 : 1);
  else if (abs >= 1) s = formatFixed(value, 2);
  else s = formatFixed(value, Math.min(20, 2 - Math.floor(Math.log10(abs))));
  if (s.includes(".") && !s.includes("e")) s = s.replace(/0+$/, "").replace(/\.$/, "");
  return s === "-0" ? "0" : s;
}

/** A value with its unit for sentences and tooltips ("42 minutes", "87.5 %"). */
export function withUnit(value: number, unit: string): string {
  const u = unit.trim();
  return u ? `${formatNumber(value)} ${u}` : formatNumber(value);
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * A date formatter for axis labels. When every date falls on the same day of the month (a monthly or
 * quarterly series) the day is noise and labels read "Mar 2024"; otherwise "3 Mar 2024".
 * Unparseable dates are shown as given.
 */
export function dateFormatter(dates: readonly string[]): (date: string) => string {
  const parse = (d: string) => /^(\d{4})-(\d{2})-(\d{2})/.exec(d);
  const days = new Set(dates.map((d) => parse(d)?.[3] ?? d));
  const monthly = dates.length > 1 && days.size === 1;
  return (date) => {
    const m = parse(date);
    const month = m ? MONTHS[Number(m[2]) - 1] : undefined;
    if (!m || !month) return date;
    return monthly ? `${month} ${m[1]}` : `${Number(m[3])} ${month} ${m[1]}`;
  };
}

/**
 * Indices of points to label on the x axis: always the first and last, plus evenly spaced ones in
 * between, at most `maxLabels` in all, never two closer than half a regular gap.
 */
export function tickIndices(n: number, maxLabels = 6): number[] {
  if (n <= 0) return [];
  if (n <= maxLabels) return Array.from({ length: n }, (_, i) => i);
  const gap = (n - 1) / (maxLabels - 1);
  const out = new Set<number>();
  for (let k = 0; k < maxLabels; k++) out.add(Math.round(k * gap));
  out.add(n - 1);
  return [...out].sort((a, b) => a - b);
}

/**
 * Wrap text into lines of at most `maxChars` characters, breaking at spaces and breaking words
 * longer than a line. Wrap raw text, then escape each line: escaping first could split an entity.
 */
export function wrapText(text: string, maxChars: number): string[] {
  const width = Math.max(1, Math.floor(maxChars));
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = "";
  for (let word of words) {
    while ([...word].length > width) {
      // A word longer than a line: fill the current line (or a fresh one) with a slice of it.
      const room = line ? width - [...line].length - 1 : width;
      if (room <= 0) {
        lines.push(line);
        line = "";
        continue;
      }
      const chars = [...word];
      const head = chars.slice(0, room).join("");
      lines.push(line ? `${line} ${head}` : head);
      line = "";
      word = chars.slice(room).join("");
    }
    if (!line) line = word;
    else if ([...line].length + 1 + [...word].length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line) lines.push(line);
  return lines.length ? lines : [""];
}

/** Shorten a single-line label to `maxChars`, ending with an ellipsis when cut. */
export function truncate(text: string, maxChars: number): string {
  const chars = [...text.replace(/\s+/g, " ").trim()];
  return chars.length <= maxChars
    ? chars.join("")
    : `${chars
        .slice(0, Math.max(1, maxChars - 1))
        .join("")
        .trimEnd()}…`;
}

/**
 * A short deterministic id prefix derived from the content (FNV-1a), so that several charts inlined
 * in one HTML page do not share `id`s (aria-labelledby must point at the right <title>).
 */
export function idPrefix(kind: string, ...parts: string[]): string {
  let h = 0x811c9dc5;
  for (const ch of parts.join("\u0001")) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `${kind}-${h.toString(36)}`;
}

export interface SvgDocument {
  width: number;
  height: number;
  /** Short accessible name (the chart title). */
  title: string;
  /** Long text alternative: everything the picture shows, in words. */
  desc: string;
  /** Class on the root element, e.g. "xmr-chart". */
  className: string;
  /** Id prefix for <title>/<desc>. */
  id: string;
  body: string;
}

/**
 * The root <svg>: role="img" with aria-labelledby pointing at its <title> and <desc>, the first
 * children, so screen readers announce the title and the description in words (role="img" hides
 * the drawing's own parts from assistive technology, so the desc must carry the content).
 */
export function svgDocument(doc: SvgDocument): string {
  const titleId = `${doc.id}-title`;
  const descId = `${doc.id}-desc`;
  return el(
    "svg",
    {
      xmlns: "http://www.w3.org/2000/svg",
      viewBox: `0 0 ${coord(doc.width)} ${coord(doc.height)}`,
      width: doc.width,
      height: doc.height,
      role: "img",
      "aria-labelledby": `${titleId} ${descId}`,
      class: doc.className,
      "font-family": FONT_FAMILY,
    },
    [
      textEl("title", { id: titleId }, doc.title),
      textEl("desc", { id: descId }, doc.desc),
      el("rect", { class: "background", x: 0, y: 0, width: doc.width, height: doc.height, fill: NHS_COLOURS.white }),
      doc.body,
    ],
  );
}

/** "a", "a and b", "a, b and c". */
export function listInWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

// ---------------------------------------------------------------------------------------------
// Time-series frame shared by the XmR and run charts.

export const SERIES_WIDTH = 720;
export const SERIES_HEIGHT = 360;
export const SERIES_MARGIN = Object.freeze({ top: 64, right: 28, bottom: 44, left: 68 });

export interface SeriesFrame {
  /** x of point i (points are evenly spaced in time, which the analyses check). */
  x: (index: number) => number;
  /** x of the boundary before point i (a phase change, or the end of a baseline). */
  boundary: (index: number) => number;
  y: LinearScale;
  plot: { left: number; right: number; top: number; bottom: number };
  /** Grid, axes, axis labels, visible heading and legend. */
  markup: string;
}

export interface LegendItem {
  label: string;
  /** A circle of this fill, or a line of this stroke (optionally dashed). */
  swatch: { kind: "circle"; fill: string } | { kind: "line"; stroke: string; dash?: string };
}

export function seriesFrame(input: {
  title: string;
  unit: string;
  dates: readonly string[];
  /** Every value the chart must show (points, centre lines, limits, target). */
  extent: readonly number[];
  legend: readonly LegendItem[];
}): SeriesFrame {
  const W = SERIES_WIDTH;
  const H = SERIES_HEIGHT;
  const m = SERIES_MARGIN;
  const plot = { left: m.left, right: W - m.right, top: m.top, bottom: H - m.bottom };
  const n = Math.max(1, input.dates.length);
  const step = (plot.right - plot.left) / n;
  const x = (i: number) => plot.left + step * (i + 0.5);
  const boundary = (i: number) => plot.left + step * i;
  const { domain, ticks, step: tickStep } = niceDomain(input.extent, 5);
  const y = linearScale(domain, [plot.bottom, plot.top]);
  const fmtDate = dateFormatter(input.dates);

  const grid = ticks.map((t) =>
    el("g", { class: "y-tick", "data-value": String(t) }, [
      el("line", {
        x1: plot.left,
        x2: plot.right,
        y1: y(t),
        y2: y(t),
        stroke: NHS_COLOURS.paleGrey,
        "stroke-width": 1,
      }),
      textEl(
        "text",
        {
          x: plot.left - 8,
          y: y(t),
          "text-anchor": "end",
          "dominant-baseline": "middle",
          "font-size": 11,
          fill: NHS_COLOURS.darkGrey,
        },
        formatTick(t, tickStep),
      ),
    ]),
  );
  const idx = tickIndices(input.dates.length, 6);
  const xLabels = idx.map((i, k) => {
    const date = input.dates[i] ?? "";
    const anchor = idx.length > 1 && k === 0 ? "start" : idx.length > 1 && k === idx.length - 1 ? "end" : "middle";
    return el("g", { class: "x-tick", "data-date": date }, [
      el("line", { x1: x(i), x2: x(i), y1: plot.bottom, y2: plot.bottom + 5, stroke: NHS_COLOURS.darkGrey }),
      textEl(
        "text",
        { x: x(i), y: plot.bottom + 18, "text-anchor": anchor, "font-size": 11, fill: NHS_COLOURS.darkGrey },
        fmtDate(date),
      ),
    ]);
  });
  const axes = plotAxes(plot, input.unit);
  const heading = textEl(
    "text",
    { class: "heading", x: plot.left, y: 24, "font-size": 16, "font-weight": "bold", fill: NHS_COLOURS.black },
    truncate(input.title, 70),
  );

  const legend = legendItems(input.legend, plot.left, 44);

  return {
    x,
    boundary,
    y,
    plot,
    markup: [
      heading,
      el("g", { class: "legend" }, legend),
      el("g", { class: "grid" }, grid),
      el("g", { class: "axes" }, [...axes, ...xLabels]),
    ].join(""),
  };
}

/** A plot's frame: the x and y axis lines and the rotated y-axis label (the series charts and the funnel plot). */
export function plotAxes(plot: { left: number; right: number; top: number; bottom: number }, yLabel: string): string[] {
  const middle = (plot.top + plot.bottom) / 2;
  return [
    el("line", {
      class: "x-axis",
      x1: plot.left,
      x2: plot.right,
      y1: plot.bottom,
      y2: plot.bottom,
      stroke: NHS_COLOURS.darkGrey,
    }),
    el("line", {
      class: "y-axis",
      x1: plot.left,
      x2: plot.left,
      y1: plot.top,
      y2: plot.bottom,
      stroke: NHS_COLOURS.darkGrey,
    }),
    textEl(
      "text",
      {
        class: "y-label",
        x: 16,
        y: middle,
        transform: `rotate(-90 16 ${coord(middle)})`,
        "text-anchor": "middle",
        "font-size": 12,
        fill: NHS_COLOURS.darkGrey,
      },
      truncate(yLabel, 40),
    ),
  ];
}

/** A row of legend items from `x`, centred on `y`: each a swatch (circle or line) and its label. */
export function legendItems(items: readonly LegendItem[], x: number, y: number): string[] {
  let lx = x;
  return items.map((item) => {
    const swatch =
      item.swatch.kind === "circle"
        ? el("circle", { cx: lx + 5, cy: y, r: 4.5, fill: item.swatch.fill })
        : el("line", {
            x1: lx,
            x2: lx + 18,
            y1: y,
            y2: y,
            stroke: item.swatch.stroke,
            "stroke-width": 2,
            "stroke-dasharray": item.swatch.dash,
          });
    const textX = lx + (item.swatch.kind === "circle" ? 14 : 23);
    const g = el("g", { class: "legend-item" }, [
      swatch,
      textEl(
        "text",
        { x: textX, y, "dominant-baseline": "middle", "font-size": 11, fill: NHS_COLOURS.darkGrey },
        item.label,
      ),
    ]);
    // Rough advance: ~6.2 px per character at 11 px plus the swatch and a gap.
    lx = textX + item.label.length * 6.2 + 14;
    return g;
  });
}

/** A polyline through the given points (nothing for an empty list). */
export function polyline(
  className: string,
  pts: readonly (readonly [number, number])[],
  stroke: string,
  extra: Attrs = {},
): string {
  if (!pts.length) return "";
  return el("polyline", {
    class: className,
    points: pts.map(([px, py]) => `${coord(px)},${coord(py)}`).join(" "),
    fill: "none",
    stroke,
    "stroke-width": 1.5,
    "stroke-linejoin": "round",
    ...extra,
  });
}

// ---------------------------------------------------------------------------------------------

export const NOT_ANALYSED_WIDTH = 480;

/**
 * A small image saying why there is no chart (e.g. a NotAnalysed result: too few points, or
 * unevenly spaced dates), so that a chart URL always returns an image rather than an error.
 */
export function notAnalysedSvg(title: string, reason: string): string {
  const W = NOT_ANALYSED_WIDTH;
  const lines = wrapText(`No chart: ${reason}`, 66);
  const top = 56;
  const lineHeight = 17;
  const H = top + lines.length * lineHeight + 14;
  const body = [
    el("rect", {
      x: 0.5,
      y: 0.5,
      width: W - 1,
      height: H - 1,
      fill: "none",
      stroke: NHS_COLOURS.midGrey,
      "stroke-dasharray": "4 3",
    }),
    textEl(
      "text",
      { class: "heading", x: 16, y: 28, "font-size": 15, "font-weight": "bold", fill: NHS_COLOURS.black },
      truncate(title, 50),
    ),
    el(
      "text",
      { class: "reason", x: 16, y: top, "font-size": 13, fill: NHS_COLOURS.darkGrey },
      lines.map((line, i) => textEl("tspan", { x: 16, y: top + i * lineHeight }, line)),
    ),
  ].join("");
  return svgDocument({
    width: W,
    height: H,
    title,
    desc: `No chart is shown: ${reason}`,
    className: "chart not-analysed",
    id: idPrefix("na", title, reason),
    body,
  });
}

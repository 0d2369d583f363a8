// Tests for the pure SVG renderers in subgraphs/projects/charts. Every SVG is parsed with the small,
// strict XML well-formedness parser below (no dependency): if the output is not well-formed XML the
// parse throws. Assertions are then made on the parsed tree against the analysis it was drawn from.
//
// The parser and all chart tests live in this one file on purpose: vitest would re-run the tests of
// a *.test.ts file imported by another, and the brief allows only *.test.ts files here.
import { describe, expect, it } from "vitest";
import {
  analyseRunChart,
  analyseXmr,
  type DataPoint,
  type RunChartAnalysis,
  type XmrAnalysis,
  type XmrOptions,
} from "../../../subgraphs/projects/analysis/index.ts";
import { XMR_CLASS_COLOURS, xmrSvg } from "../../../subgraphs/projects/charts/xmr-svg.ts";
import { RUN_RULE_COLOURS, runChartPointClass, runChartSvg } from "../../../subgraphs/projects/charts/run-chart-svg.ts";
import {
  DRIVER_WRAP_CHARS,
  driverDiagramSvg,
  type DriverDiagramInput,
} from "../../../subgraphs/projects/charts/driver-diagram-svg.ts";
import {
  escapeXml,
  formatNumber,
  formatTick,
  linearScale,
  niceDomain,
  notAnalysedSvg,
  tickIndices,
  wrapText,
} from "../../../lib/charts/svg.ts";
import {
  comparisonSvg,
  variationColour,
  type ComparisonPanel,
} from "../../../subgraphs/catalogue/charts/comparison-svg.ts";
import { FUNNEL_Z, funnelBand, funnelLimits, pooledRate } from "../../../subgraphs/catalogue/charts/funnel.ts";
import { bandColour, funnelSvg, type FunnelChart } from "../../../subgraphs/catalogue/charts/funnel-svg.ts";

// ---------------------------------------------------------------------------------------------
// A tiny strict XML parser (the subset these renderers may emit: elements, attributes, character
// data, the five predefined entities and numeric character references, comments). It rejects
// anything not well-formed: unbalanced or mismatched tags, a raw "<" or "&" in text or attributes,
// unknown entities, duplicate or unquoted attributes, more than one root, text outside the root,
// DOCTYPE/CDATA/processing instructions (which these renderers must never emit).

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: (XmlElement | string)[];
}

const NAME = /[A-Za-z_:][A-Za-z0-9_:.-]*/y;
const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

function decode(raw: string, where: string): string {
  for (const ch of raw)
    if (!isXmlChar(ch.codePointAt(0)!))
      throw new Error(`illegal character U+${ch.codePointAt(0)!.toString(16)} in ${where}`);
  return raw.replace(/&([^;&<\s]*);?/g, (m, body: string) => {
    if (!m.endsWith(";")) throw new Error(`bare "&" in ${where}: ${JSON.stringify(raw.slice(0, 60))}`);
    if (body in ENTITIES) return ENTITIES[body]!;
    const num = /^#(?:x([0-9A-Fa-f]+)|([0-9]+))$/.exec(body);
    if (num) {
      const cp = num[1] ? parseInt(num[1], 16) : parseInt(num[2]!, 10);
      if (!isXmlChar(cp)) throw new Error(`illegal character reference &${body}; in ${where}`);
      return String.fromCodePoint(cp);
    }
    throw new Error(`unknown entity &${body}; in ${where}`);
  });
}

function parseXml(src: string): XmlElement {
  let pos = 0;
  const fail = (msg: string): never => {
    throw new Error(`${msg} at offset ${pos}: ${JSON.stringify(src.slice(Math.max(0, pos - 30), pos + 30))}`);
  };
  const name = (): string => {
    NAME.lastIndex = pos;
    const m = NAME.exec(src);
    if (!m) fail("expected a name");
    pos += m![0].length;
    return m![0];
  };
  const ws = () => {
    while (pos < src.length && /[ \t\r\n]/.test(src[pos]!)) pos++;
  };
  const comment = (): boolean => {
    if (!src.startsWith("<!--", pos)) return false;
    const end = src.indexOf("-->", pos + 4);
    if (end < 0) fail("unterminated comment");
    if (src.slice(pos + 4, end).includes("--")) fail('"--" inside a comment');
    pos = end + 3;
    return true;
  };
  const misc = () => {
    for (;;) {
      ws();
      if (!comment()) return;
    }
  };
  const element = (): XmlElement => {
    if (src[pos] !== "<") fail('expected "<"');
    pos++;
    const tag = name();
    const attrs: Record<string, string> = {};
    for (;;) {
      const before = pos;
      ws();
      if (src.startsWith("/>", pos)) {
        pos += 2;
        return { name: tag, attrs, children: [] };
      }
      if (src[pos] === ">") {
        pos++;
        break;
      }
      if (pos === before) fail("expected whitespace before an attribute");
      const an = name();
      ws();
      if (src[pos] !== "=") fail(`expected "=" after attribute ${an}`);
      pos++;
      ws();
      const q = src[pos];
      if (q !== '"' && q !== "'") fail(`attribute ${an} is not quoted`);
      const end = src.indexOf(q!, pos + 1);
      if (end < 0) fail("unterminated attribute value");
      const raw = src.slice(pos + 1, end);
      if (raw.includes("<")) fail(`"<" in the value of attribute ${an}`);
      if (Object.hasOwn(attrs, an)) fail(`duplicate attribute ${an}`);
      attrs[an] = decode(raw, `attribute ${an}`);
      pos = end + 1;
    }
    const children: (XmlElement | string)[] = [];
    for (;;) {
      if (pos >= src.length) fail(`unclosed <${tag}>`);
      if (src.startsWith("</", pos)) {
        pos += 2;
        const closing = name();
        if (closing !== tag) fail(`</${closing}> closes <${tag}>`);
        ws();
        if (src[pos] !== ">") fail('expected ">"');
        pos++;
        return { name: tag, attrs, children };
      }
      if (comment()) continue;
      if (src.startsWith("<!", pos) || src.startsWith("<?", pos))
        fail("DOCTYPE, CDATA and processing instructions are not expected");
      if (src[pos] === "<") {
        children.push(element());
        continue;
      }
      const next = src.indexOf("<", pos);
      const raw = src.slice(pos, next < 0 ? src.length : next);
      if (raw.includes("]]>")) fail('"]]>" in character data');
      children.push(decode(raw, `text of <${tag}>`));
      pos += raw.length;
    }
  };
  misc();
  const root = element();
  misc();
  if (pos !== src.length) fail("content after the root element");
  return root;
}

const elements = (n: XmlElement): XmlElement[] => n.children.filter((c): c is XmlElement => typeof c !== "string");
function findAll(root: XmlElement, pred: (e: XmlElement) => boolean): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement) => {
    if (pred(e)) out.push(e);
    elements(e).forEach(walk);
  };
  walk(root);
  return out;
}
const hasClass = (cls: string) => (e: XmlElement) => (e.attrs.class ?? "").split(/\s+/).includes(cls);
const byClass = (root: XmlElement, tag: string, cls: string) =>
  findAll(root, (e) => e.name === tag && hasClass(cls)(e));
const textOf = (e: XmlElement): string => e.children.map((c) => (typeof c === "string" ? c : textOf(c))).join("");
const num = (e: XmlElement, attr: string): number => {
  const v = e.attrs[attr];
  expect(v, `${e.name}@${attr}`).toBeDefined();
  const n = Number(v);
  expect(Number.isFinite(n), `${e.name}@${attr}=${v}`).toBe(true);
  return n;
};
function only<T>(list: T[]): T {
  expect(list).toHaveLength(1);
  return list[0]!;
}

/** Checks shared by every rendered image: well-formed, SVG namespace, accessible name and description. */
function parseSvg(svg: string): { root: XmlElement; title: string; desc: string } {
  expect(svg).not.toMatch(/NaN|Infinity|undefined/);
  const root = parseXml(svg);
  expect(root.name).toBe("svg");
  expect(root.attrs.xmlns).toBe("http://www.w3.org/2000/svg");
  expect(root.attrs.role).toBe("img");
  expect(root.attrs.viewBox).toMatch(/^0 0 \d+(\.\d+)? \d+(\.\d+)?$/);
  const [first, second] = elements(root);
  expect(first?.name).toBe("title");
  expect(second?.name).toBe("desc");
  // aria-labelledby points at exactly the <title> and <desc>, whose ids are unique in the document.
  expect(root.attrs["aria-labelledby"]).toBe(`${first!.attrs.id} ${second!.attrs.id}`);
  const ids = findAll(root, (e) => e.attrs.id !== undefined).map((e) => e.attrs.id);
  expect(new Set(ids).size).toBe(ids.length);
  return { root, title: textOf(first!), desc: textOf(second!) };
}

// ---------------------------------------------------------------------------------------------
// Inputs

function monthly(values: readonly number[], start = 2023): DataPoint[] {
  return values.map((value, i) => ({
    date: `${start + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}-01`,
    value,
  }));
}

function xmr(values: readonly number[], options: XmrOptions): XmrAnalysis {
  const a = analyseXmr(monthly(values), options);
  if (a.status !== "OK") throw new Error(`fixture not analysable: ${a.reason}`);
  return a;
}

function run(values: readonly number[], baselineLength?: number): RunChartAnalysis {
  const a = analyseRunChart(monthly(values), baselineLength === undefined ? {} : { baselineLength });
  if (a.status !== "OK") throw new Error(`fixture not analysable: ${a.reason}`);
  return a;
}

// 20 monthly points around 50 with one high (improvement when higher is better) and one low
// (concern) point outside the limits: mean 50, limits 27.6 to 72.4.
const SIGNALS = [50, 52, 48, 51, 49, 50, 53, 47, 50, 52, 48, 51, 49, 50, 80, 50, 20, 51, 49, 50];
// Two phases of 15 points: around 50, then around 70 after a change in 2024-04.
const PHASED = [
  50, 52, 48, 51, 49, 50, 53, 47, 50, 52, 48, 51, 49, 50, 51, 70, 72, 68, 71, 69, 70, 73, 67, 70, 72, 68, 71, 69, 70,
  71,
];
const NASTY = `A&E <4 hours> "wait" & 'time' ]]> &amp;`;

// ---------------------------------------------------------------------------------------------

describe("XML checker (so that passing tests mean something)", () => {
  it("accepts well-formed markup and decodes entities", () => {
    const doc = parseXml(`<a x="1 &amp; 2" y='&lt;'><!-- c --><b/>t&#65;&#x42;&gt;</a>`);
    expect(doc.attrs).toEqual({ x: "1 & 2", y: "<" });
    expect(textOf(doc)).toBe("tAB>");
  });

  it.each([
    ["mismatched tags", "<a><b></a></b>"],
    ["an unclosed element", "<a><b/>"],
    ["a raw ampersand", "<a>A & E</a>"],
    ["a raw < in text", "<a>1 < 2</a>"],
    ["a raw < in an attribute", '<a t="<"/>'],
    ["an unknown entity", "<a>&nbsp;</a>"],
    ["a duplicate attribute", '<a x="1" x="2"/>'],
    ["an unquoted attribute", "<a x=1/>"],
    ["two roots", "<a/><b/>"],
    ["text after the root", "<a/>x"],
    ["a control character", "<a>\u0001</a>"],
    ["missing space between attributes", '<a x="1"y="2"/>'],
  ])("rejects %s", (_, src) => {
    expect(() => parseXml(src)).toThrow();
  });
});

describe("svg helpers", () => {
  it("escapes the five XML specials and drops characters XML cannot carry", () => {
    expect(escapeXml(`<a href="x">Tom & Jerry's</a>`)).toBe(
      "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&apos;s&lt;/a&gt;",
    );
    expect(escapeXml("a\u0000b\u001Fc\uD800d")).toBe("abcd");
    expect(escapeXml("emoji 😀 ok")).toBe("emoji 😀 ok");
  });

  it("formats numbers for people", () => {
    expect(formatNumber(50)).toBe("50");
    expect(formatNumber(42.63384615)).toBe("42.63");
    expect(formatNumber(-0.0000001)).toBe("-0.0000001");
    expect(formatNumber(-0)).toBe("0");
    expect(formatNumber(0.012345)).toBe("0.0123");
    expect(formatNumber(1234.5)).toBe("1235");
    expect(formatNumber(0.999)).toBe("0.999");
    expect(formatNumber(0.5)).toBe("0.5");
    expect(formatNumber(Number.NaN)).toBe("n/a");
    expect(formatTick(2.5, 2.5)).toBe("2.5");
    expect(formatTick(-0.0000000001, 0.5)).toBe("0.0");
  });

  it("scales linearly and survives a zero-width domain", () => {
    const s = linearScale([0, 10], [300, 100]);
    expect(s(0)).toBe(300);
    expect(s(10)).toBe(100);
    expect(s(5)).toBe(200);
    expect(linearScale([5, 5], [300, 100])(5)).toBe(200);
  });

  it("chooses nice ticks covering every value, and pads a flat series", () => {
    const { domain, ticks } = niceDomain([27.6, 80, 20, 72.4]);
    expect(domain[0]).toBeLessThanOrEqual(20);
    expect(domain[1]).toBeGreaterThanOrEqual(80);
    expect(ticks[0]).toBe(domain[0]);
    expect(ticks[ticks.length - 1]).toBe(domain[1]);
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(ticks.length).toBeLessThanOrEqual(11);
    const flat = niceDomain([7, 7, 7]);
    expect(flat.domain[0]).toBeLessThan(7);
    expect(flat.domain[1]).toBeGreaterThan(7);
    expect(niceDomain([0.1, 0.3]).ticks).toEqual([0.1, 0.15, 0.2, 0.25, 0.3]);
  });

  it("labels the first and last date and a few in between", () => {
    expect(tickIndices(20, 6)).toEqual([0, 4, 8, 11, 15, 19]);
    expect(tickIndices(3, 6)).toEqual([0, 1, 2]);
    expect(tickIndices(0)).toEqual([]);
  });

  it("wraps text at spaces, breaks over-long words and loses nothing", () => {
    const text = "Reliable multifactorial falls risk assessment within 24 hours of admission";
    const lines = wrapText(text, 20);
    expect(lines.every((l) => l.length <= 20)).toBe(true);
    expect(lines.join(" ")).toBe(text);
    const long = wrapText("Pneumonoultramicroscopicsilicovolcanoconiosis", 10);
    expect(long.every((l) => l.length <= 10)).toBe(true);
    expect(long.join("")).toBe("Pneumonoultramicroscopicsilicovolcanoconiosis");
    expect(wrapText("", 10)).toEqual([""]);
  });
});

describe("xmrSvg", () => {
  const analysis = xmr(SIGNALS, { direction: "INCREASE" });
  const svg = xmrSvg({ title: "Patients seen within 4 hours", unit: "%", analysis });
  const { root, desc } = parseSvg(svg);
  const circles = byClass(root, "circle", "point");

  it("uses the fixed viewBox", () => {
    expect(root.attrs.viewBox).toBe("0 0 720 360");
  });

  it("has the fixture's signals (precondition)", () => {
    expect(analysis.points[14]!.classification).toBe("IMPROVEMENT");
    expect(analysis.points[16]!.classification).toBe("CONCERN");
    expect(analysis.points.filter((p) => p.classification === "COMMON_CAUSE")).toHaveLength(18);
  });

  it("draws one circle per point, in order, carrying the analysis values", () => {
    expect(circles).toHaveLength(analysis.points.length);
    circles.forEach((c, i) => {
      const p = analysis.points[i]!;
      expect(c.attrs["data-date"]).toBe(p.date);
      expect(Number(c.attrs["data-value"])).toBe(p.value);
      expect(c.attrs["data-class"]).toBe(p.classification);
      expect(c.attrs["data-rules"]).toBe(p.rules.join(" "));
    });
  });

  it("fills each point with the colour of its classification", () => {
    circles.forEach((c, i) => expect(c.attrs.fill).toBe(XMR_CLASS_COLOURS[analysis.points[i]!.classification]));
    // Four classes, four colours: no two classes can be confused by colour.
    expect(new Set(Object.values(XMR_CLASS_COLOURS)).size).toBe(4);
  });

  it("places the points left to right at heights that follow the values", () => {
    const xs = circles.map((c) => num(c, "cx"));
    xs.slice(1).forEach((x, i) => expect(x).toBeGreaterThan(xs[i]!));
    const ys = circles.map((c) => num(c, "cy"));
    // A higher value is drawn higher up (smaller y); equal values at the same height.
    for (let i = 0; i < ys.length; i++) {
      for (let j = 0; j < ys.length; j++) {
        const dv = analysis.points[i]!.value - analysis.points[j]!.value;
        if (dv > 0) expect(ys[i]).toBeLessThan(ys[j]!);
        if (dv === 0) expect(ys[i]).toBe(ys[j]);
      }
    }
  });

  it("draws the upper limit above the mean above the lower limit, limits dashed", () => {
    const upper = only(byClass(root, "line", "upper-limit"));
    const mean = only(byClass(root, "line", "mean"));
    const lower = only(byClass(root, "line", "lower-limit"));
    expect(num(upper, "y1")).toBeLessThan(num(mean, "y1"));
    expect(num(mean, "y1")).toBeLessThan(num(lower, "y1"));
    expect(upper.attrs["stroke-dasharray"]).toBeTruthy();
    expect(lower.attrs["stroke-dasharray"]).toBeTruthy();
    expect(mean.attrs["stroke-dasharray"]).toBeUndefined();
    expect(Number(upper.attrs["data-value"])).toBe(analysis.phases[0]!.upperProcessLimit);
  });

  it("draws a point outside the limits outside the limit lines", () => {
    const upperY = num(only(byClass(root, "line", "upper-limit")), "y1");
    const lowerY = num(only(byClass(root, "line", "lower-limit")), "y1");
    expect(num(circles[14]!, "cy")).toBeLessThan(upperY);
    expect(num(circles[16]!, "cy")).toBeGreaterThan(lowerY);
    // ...and the common-cause points between them.
    circles.forEach((c, i) => {
      if (analysis.points[i]!.rules.length === 0) {
        expect(num(c, "cy")).toBeGreaterThan(upperY);
        expect(num(c, "cy")).toBeLessThan(lowerY);
      }
    });
  });

  it("keeps every drawn mark inside the viewBox", () => {
    for (const c of circles) {
      expect(num(c, "cx")).toBeGreaterThan(0);
      expect(num(c, "cx")).toBeLessThan(720);
      expect(num(c, "cy")).toBeGreaterThan(0);
      expect(num(c, "cy")).toBeLessThan(360);
    }
  });

  it("draws the values as a line through every point", () => {
    const line = only(byClass(root, "polyline", "values"));
    expect(line.attrs.points!.trim().split(/\s+/)).toHaveLength(analysis.points.length);
  });

  it("labels the axes with the first and last dates and value ticks", () => {
    const xLabels = byClass(root, "g", "x-tick");
    expect(xLabels[0]!.attrs["data-date"]).toBe("2023-01-01");
    expect(xLabels[xLabels.length - 1]!.attrs["data-date"]).toBe("2024-08-01");
    expect(textOf(xLabels[0]!)).toBe("Jan 2023");
    expect(xLabels.length).toBeGreaterThanOrEqual(3);
    expect(byClass(root, "g", "y-tick").length).toBeGreaterThanOrEqual(3);
    expect(textOf(only(byClass(root, "text", "y-label")))).toBe("%");
  });

  it("describes the variation and assurance categories in words", () => {
    expect(desc).toContain("20 points from Jan 2023 to Aug 2024");
    expect(desc).toContain("Variation: common cause variation");
    expect(desc).toContain("no target is set, so there is no assurance category");
    expect(desc).toContain("special cause improvement (Mar 2024)");
    expect(desc).toContain("special cause concern (May 2024)");
    expect(desc).toContain("mean 50 %, process limits 27.6 % to 72.4 %");
  });

  it("draws no target line without a target, and one at the target's height with it", () => {
    expect(byClass(root, "line", "target-line")).toHaveLength(0);
    const withTarget = xmr(SIGNALS, { direction: "INCREASE", target: 60 });
    const parsed = parseSvg(xmrSvg({ title: "t", unit: "%", target: 60, analysis: withTarget })).root;
    const target = only(byClass(parsed, "line", "target-line"));
    expect(Number(target.attrs["data-value"])).toBe(60);
    const meanY = num(only(byClass(parsed, "line", "mean")), "y1");
    const upperY = num(only(byClass(parsed, "line", "upper-limit")), "y1");
    // 60 lies between the mean (50) and the upper limit (72.4).
    expect(num(target, "y1")).toBeLessThan(meanY);
    expect(num(target, "y1")).toBeGreaterThan(upperY);
    expect(textOf(parsed)).toContain("Target 60 %");
    expect(textOf(only(elements(parsed).filter((e) => e.name === "desc")))).toContain("hit and miss");
  });

  it("treats target null like no target", () => {
    const parsed = parseSvg(xmrSvg({ title: "t", unit: "%", target: null, analysis })).root;
    expect(byClass(parsed, "line", "target-line")).toHaveLength(0);
  });

  it("says when the process will consistently pass or fail its target", () => {
    const pass = xmr(SIGNALS, { direction: "INCREASE", target: 20.5 });
    expect(parseSvg(xmrSvg({ title: "t", unit: "%", target: 20.5, analysis: pass })).desc).toContain(
      "consistently meet the target",
    );
    const fail = xmr(SIGNALS, { direction: "DECREASE", target: 20.5 });
    expect(parseSvg(xmrSvg({ title: "t", unit: "%", target: 20.5, analysis: fail })).desc).toContain(
      "consistently miss the target",
    );
  });

  it("colours the same points the other way round when lower is better", () => {
    const lower = xmr(SIGNALS, { direction: "DECREASE" });
    const c = byClass(parseSvg(xmrSvg({ title: "t", unit: "%", analysis: lower })).root, "circle", "point");
    expect(c[14]!.attrs.fill).toBe(XMR_CLASS_COLOURS.CONCERN);
    expect(c[16]!.attrs.fill).toBe(XMR_CLASS_COLOURS.IMPROVEMENT);
  });

  describe("with a phase change", () => {
    const phased = xmr(PHASED, { direction: "INCREASE", phaseStarts: ["2024-04-01"] });
    const { root: p, desc: pdesc } = parseSvg(xmrSvg({ title: "Phased", unit: "%", analysis: phased }));

    it("has two phases (precondition)", () => {
      expect(phased.phases.map((ph) => ph.startIndex)).toEqual([0, 15]);
    });

    it("draws two separate sets of mean and limit lines and one phase-change marker", () => {
      const groups = byClass(p, "g", "phase");
      expect(groups).toHaveLength(2);
      for (const [i, g] of groups.entries()) {
        const ph = phased.phases[i]!;
        const upper = only(byClass(g, "line", "upper-limit"));
        const mean = only(byClass(g, "line", "mean"));
        const lower = only(byClass(g, "line", "lower-limit"));
        expect(Number(mean.attrs["data-value"])).toBe(ph.mean);
        expect(Number(upper.attrs["data-value"])).toBe(ph.upperProcessLimit);
        expect(num(upper, "y1")).toBeLessThan(num(mean, "y1"));
        expect(num(mean, "y1")).toBeLessThan(num(lower, "y1"));
      }
      expect(byClass(p, "line", "upper-limit")).toHaveLength(2);
      expect(byClass(p, "line", "lower-limit")).toHaveLength(2);
      expect(byClass(p, "line", "mean")).toHaveLength(2);
      const marker = only(byClass(p, "line", "phase-change"));
      expect(marker.attrs["data-date"]).toBe("2024-04-01");
      expect(num(marker, "x1")).toBe(num(marker, "x2"));

      // Each phase's lines span only its own points; the marker sits between the two phases.
      const [m0, m1] = byClass(p, "line", "mean");
      const circles = byClass(p, "circle", "point");
      expect(num(m0!, "x2")).toBeLessThanOrEqual(num(m1!, "x1"));
      expect(num(m0!, "x2")).toBe(num(marker, "x1"));
      expect(num(circles[14]!, "cx")).toBeLessThan(num(marker, "x1"));
      expect(num(circles[15]!, "cx")).toBeGreaterThan(num(marker, "x1"));
      // The second phase's higher mean is drawn higher up.
      expect(num(m1!, "y1")).toBeLessThan(num(m0!, "y1"));
    });

    it("draws the values of each phase as its own line", () => {
      const lines = byClass(p, "polyline", "values");
      expect(lines.map((l) => l.attrs.points!.trim().split(/\s+/).length)).toEqual([15, 15]);
      expect(byClass(p, "circle", "point")).toHaveLength(30);
    });

    it("describes both phases", () => {
      expect(pdesc).toContain("Phase 1 (from Jan 2023, 15 points)");
      expect(pdesc).toContain("Phase 2 (from Apr 2024, 15 points)");
    });
  });

  it("escapes special characters in the title and unit", () => {
    const out = xmrSvg({ title: NASTY, unit: `<b>&"`, analysis });
    expect(out).not.toContain("<4 hours>");
    expect(out).not.toContain("<b>");
    const { root: r, title } = parseSvg(out);
    expect(title).toBe(NASTY);
    expect(textOf(only(byClass(r, "text", "heading")))).toBe(NASTY);
    expect(textOf(only(byClass(r, "text", "y-label")))).toBe(`<b>&"`);
  });

  it("draws a flat series (zero moving range) without NaN", () => {
    const flat = xmr(
      Array.from({ length: 15 }, () => 5),
      { direction: "INCREASE", target: 5 },
    );
    const { root: r } = parseSvg(xmrSvg({ title: "Flat", unit: "", target: 5, analysis: flat }));
    const ys = byClass(r, "circle", "point").map((c) => num(c, "cy"));
    expect(new Set(ys).size).toBe(1);
    expect(ys[0]).toBe(num(only(byClass(r, "line", "mean")), "y1"));
  });

  it("is deterministic", () => {
    expect(xmrSvg({ title: "Patients seen within 4 hours", unit: "%", analysis })).toBe(svg);
  });

  it("gives different charts different ids for their title and desc", () => {
    const other = parseSvg(xmrSvg({ title: "Another", unit: "%", analysis })).root;
    expect(other.attrs["aria-labelledby"]).not.toBe(root.attrs["aria-labelledby"]);
  });
});

describe("runChartSvg", () => {
  // Baseline of 12 points (median 12), then a sustained rise with one astronomical point.
  const analysis = run([10, 12, 11, 13, 9, 12, 10, 11, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 50, 22], 12);
  const { root, desc } = parseSvg(runChartSvg({ title: "Daily discharges before noon", unit: "patients", analysis }));
  const circles = byClass(root, "circle", "point");

  it("has every kind of signal (precondition)", () => {
    const kinds = new Set(analysis.points.map((p) => runChartPointClass(p.rules)));
    expect(kinds).toEqual(new Set(["NONE", "SHIFT", "TREND", "ASTRONOMICAL"]));
  });

  it("draws one circle per point carrying the analysis values and rules", () => {
    expect(circles).toHaveLength(analysis.points.length);
    circles.forEach((c, i) => {
      const p = analysis.points[i]!;
      expect(c.attrs["data-date"]).toBe(p.date);
      expect(Number(c.attrs["data-value"])).toBe(p.value);
      expect(c.attrs["data-rules"]).toBe(p.rules.join(" "));
      expect(c.attrs["data-class"]).toBe(runChartPointClass(p.rules));
      expect(c.attrs.fill).toBe(RUN_RULE_COLOURS[runChartPointClass(p.rules)]);
    });
    expect(circles[18]!.attrs["data-class"]).toBe("ASTRONOMICAL");
    expect(circles[0]!.attrs["data-class"]).toBe("NONE");
  });

  it("draws the median where the points above and below it are", () => {
    const [median, extended] = byClass(root, "line", "median");
    expect(Number(median!.attrs["data-value"])).toBe(analysis.median);
    const my = num(median!, "y1");
    circles.forEach((c, i) => {
      const side = analysis.points[i]!.side;
      if (side === "ABOVE") expect(num(c, "cy")).toBeLessThan(my);
      if (side === "BELOW") expect(num(c, "cy")).toBeGreaterThan(my);
    });
    // Frozen median: solid over the 12 baseline points, dashed over the rest.
    expect(median!.attrs["stroke-dasharray"]).toBeUndefined();
    expect(extended!.attrs["stroke-dasharray"]).toBeTruthy();
    expect(num(extended!, "y1")).toBe(my);
    expect(num(median!, "x2")).toBe(num(extended!, "x1"));
    expect(num(circles[11]!, "cx")).toBeLessThan(num(median!, "x2"));
    expect(num(circles[12]!, "cx")).toBeGreaterThan(num(median!, "x2"));
  });

  it("draws a single solid median when the baseline is the whole series", () => {
    const all = run([10, 12, 11, 13, 9, 12, 10, 11, 14, 15, 16, 9]);
    const r = parseSvg(runChartSvg({ title: "t", unit: "", analysis: all })).root;
    expect(only(byClass(r, "line", "median")).attrs["stroke-dasharray"]).toBeUndefined();
  });

  it("draws the values line through every point", () => {
    expect(
      only(byClass(root, "polyline", "values"))
        .attrs.points!.trim()
        .split(/\s+/),
    ).toHaveLength(20);
  });

  it("describes the median, runs and signals in words", () => {
    expect(desc).toContain("Run chart of 20 points from Jan 2023 to Aug 2024, in patients.");
    expect(desc).toContain("Median 12 patients, from the first 12 points");
    expect(desc).toContain(`${analysis.runs} runs`);
    expect(desc).toContain("shift (6 or more");
    expect(desc).toContain("trend (5 or more");
    expect(desc).toContain("astronomical point");
    expect(desc).toContain("too few runs");
  });

  it("says when there is no signal", () => {
    const quiet = run([10, 12, 11, 13, 9, 12, 10, 11, 13, 10, 12, 9]);
    expect(quiet.signals).toEqual({
      shift: false,
      trend: false,
      tooFewRuns: false,
      tooManyRuns: false,
      astronomical: false,
    });
    expect(parseSvg(runChartSvg({ title: "t", unit: "", analysis: quiet })).desc).toContain(
      "No signal of non-random variation.",
    );
  });

  it("escapes special characters in the title", () => {
    const out = runChartSvg({ title: NASTY, unit: "&", analysis });
    expect(out).not.toContain("<4 hours>");
    expect(parseSvg(out).title).toBe(NASTY);
  });
});

describe("driverDiagramSvg", () => {
  const input: DriverDiagramInput = {
    aim: "Reduce inpatient falls with harm on the elderly care wards by 50% by March 2026",
    primary: [
      {
        label: "Reliable multifactorial falls risk assessment within 24 hours of admission",
        secondary: [
          {
            label: "Risk tool built into e-observations",
            changeIdeas: [
              "Add the tool to the admission template",
              "Prompt on the ward board",
              "Weekly audit of 10 sets of notes",
            ],
          },
          { label: "Lying and standing blood pressure", changeIdeas: [] },
        ],
      },
      {
        label: "Safe ward environment",
        secondary: [
          { label: "Call bells & walking aids within reach", changeIdeas: ["Intentional rounding <hourly>"] },
        ],
      },
      { label: 'Staff "confidence" with mobility', secondary: [] },
    ],
  };
  const svg = driverDiagramSvg(input);
  const { root, title, desc } = parseSvg(svg);
  const nodes = byClass(root, "g", "node");
  const labelOf = (g: XmlElement) =>
    only(findAll(g, (e) => e.name === "text"))
      .children.filter((c): c is XmlElement => typeof c !== "string")
      .map(textOf);
  const allLabels = [
    input.aim,
    ...input.primary.flatMap((p) => [p.label, ...p.secondary.flatMap((s) => [s.label, ...s.changeIdeas])]),
  ];

  it("draws one box per aim, driver and change idea, each showing its whole label", () => {
    expect(nodes).toHaveLength(allLabels.length);
    expect(nodes.map((n) => n.attrs["data-label"]).sort()).toEqual([...allLabels].sort());
    for (const n of nodes) {
      const lines = labelOf(n);
      expect(lines.join(" ")).toBe(n.attrs["data-label"]);
      for (const line of lines) expect(line.length).toBeLessThanOrEqual(DRIVER_WRAP_CHARS);
    }
    // The long labels did wrap.
    expect(labelOf(nodes.find((n) => n.attrs["data-label"] === input.aim)!).length).toBeGreaterThan(1);
  });

  it("puts each level in its own column, left to right", () => {
    const xOf = (level: string) =>
      new Set(
        nodes
          .filter((n) => n.attrs["data-level"] === level)
          .map((n) => num(only(findAll(n, (e) => e.name === "rect")), "x")),
      );
    const cols = ["aim", "primary", "secondary", "change-idea"].map(xOf);
    cols.forEach((c) => expect(c.size).toBe(1));
    const xs = cols.map((c) => [...c][0]!);
    xs.slice(1).forEach((x, i) => expect(x).toBeGreaterThan(xs[i]!));
    expect(nodes.filter((n) => n.attrs["data-level"] === "change-idea")).toHaveLength(4);
  });

  it("never overlaps boxes in a column and keeps them inside the viewBox", () => {
    const [, , w, h] = root.attrs.viewBox!.split(" ").map(Number);
    const rects = nodes.map((n) => ({ level: n.attrs["data-level"], r: only(findAll(n, (e) => e.name === "rect")) }));
    for (const level of ["primary", "secondary", "change-idea"]) {
      const boxes = rects
        .filter((b) => b.level === level)
        .map((b) => [num(b.r, "y"), num(b.r, "y") + num(b.r, "height")] as const)
        .sort((a, b) => a[0] - b[0]);
      boxes.slice(1).forEach((b, i) => expect(b[0]).toBeGreaterThan(boxes[i]![1]));
    }
    for (const { r } of rects) {
      expect(num(r, "x")).toBeGreaterThanOrEqual(0);
      expect(num(r, "x") + num(r, "width")).toBeLessThanOrEqual(w!);
      expect(num(r, "y")).toBeGreaterThanOrEqual(0);
      expect(num(r, "y") + num(r, "height")).toBeLessThanOrEqual(h!);
    }
  });

  it("connects every child to its parent", () => {
    const connectors = byClass(root, "path", "connector");
    expect(connectors).toHaveLength(allLabels.length - 1);
    const paths = new Set(nodes.map((n) => n.attrs["data-path"]));
    for (const c of connectors) {
      expect(paths.has(c.attrs["data-from"])).toBe(true);
      expect(paths.has(c.attrs["data-to"])).toBe(true);
      expect(c.attrs["data-to"]!.startsWith(`${c.attrs["data-from"]}.`)).toBe(true);
    }
    const byPath = new Map(nodes.map((n) => [n.attrs["data-path"], n.attrs["data-label"]]));
    expect(byPath.get("0.1.1.3")).toBe("Weekly audit of 10 sets of notes");
    expect(byPath.get("0.2.1.1")).toBe("Intentional rounding <hourly>");
  });

  it("has an accessible title and a description naming every label", () => {
    expect(title).toBe(`Driver diagram: ${input.aim}`);
    for (const label of allLabels) expect(desc).toContain(label);
    expect(desc).toContain("no change ideas");
    expect(desc).toContain("no secondary drivers");
  });

  it("escapes special characters", () => {
    expect(svg).not.toContain("<hourly>");
    expect(svg).toContain("&lt;hourly&gt;");
    expect(svg).toContain("Call bells &amp; walking aids");
  });

  it("grows taller with more content and copes with no drivers", () => {
    const empty = parseSvg(driverDiagramSvg({ aim: "An aim", primary: [] })).root;
    expect(byClass(empty, "g", "node")).toHaveLength(1);
    expect(byClass(empty, "path", "connector")).toHaveLength(0);
    const heightOf = (r: XmlElement) => Number(r.attrs.viewBox!.split(" ")[3]);
    expect(heightOf(root)).toBeGreaterThan(heightOf(empty));
  });
});

describe("notAnalysedSvg", () => {
  it("says why there is no chart, as a well-formed accessible image", () => {
    const reason = "an XmR chart needs at least 15 points; this series has 9 & that's < 15";
    const { root, title, desc } = parseSvg(notAnalysedSvg(`Falls <per> 1000 "bed days"`, reason));
    expect(title).toBe(`Falls <per> 1000 "bed days"`);
    expect(desc).toBe(`No chart is shown: ${reason}`);
    const shown = byClass(root, "text", "reason")[0]!;
    expect(elements(shown).map(textOf).join(" ")).toBe(`No chart: ${reason}`);
  });

  it("works for an analysis that was not analysed", () => {
    const a = analyseXmr(monthly([1, 2, 3]), { direction: "INCREASE" });
    expect(a.status).toBe("NEEDS_MORE_POINTS");
    if (a.status === "OK") return;
    expect(parseSvg(notAnalysedSvg("Short series", a.reason)).desc).toContain("needs at least 15 points");
  });
});

// ---------------------------------------------------------------------------------------------
// Small multiples of a library measure across organisations (subgraphs/catalogue/charts).

describe("comparison small multiples", () => {
  const panel = (
    organisation: string,
    latestValue: number | null,
    over: Partial<ComparisonPanel> = {},
  ): ComparisonPanel => ({
    organisation,
    project: "Falls & huddles",
    unit: "falls per 1,000 occupied bed days",
    latestValue,
    latestDate: "2026-03-01",
    mean: 6,
    upperLimit: 8,
    lowerLimit: 4,
    target: 5,
    variation: "SPECIAL_CAUSE_IMPROVEMENT_LOW",
    assurance: "HIT_AND_MISS",
    status: "OK",
    ...over,
  });

  it("draws one panel per organisation on one scale, says everything in its description, and is well-formed", () => {
    const panels = [
      panel("Essex County Council", 6.2),
      panel("Partners in Care", 6.2, { mean: 7, upperLimit: 9.5, lowerLimit: 4.5, variation: "COMMON_CAUSE" }),
      panel("Bridgewater", 3, { variation: "SPECIAL_CAUSE_CONCERN_HIGH" }),
    ];
    const svg = comparisonSvg("Falls per 1,000 occupied bed days", panels);
    const { root, title, desc } = parseSvg(svg);
    expect(title).toBe("Falls per 1,000 occupied bed days: comparison of organisations");
    const groups = findAll(root, (e) => e.attrs.class === "panel");
    expect(groups).toHaveLength(3);
    const dots = findAll(root, (e) => e.attrs.class === "latest");
    // One scale: the same value sits at the same height in every panel of the row, a lower value lower.
    expect(dots[0]!.attrs.cy).toBe(dots[1]!.attrs.cy);
    expect(Number(dots[2]!.attrs.cy)).toBeGreaterThan(Number(dots[0]!.attrs.cy));
    expect(dots.map((d) => d.attrs.fill)).toEqual([
      variationColour("SPECIAL_CAUSE_IMPROVEMENT_LOW"),
      variationColour("COMMON_CAUSE"),
      variationColour("SPECIAL_CAUSE_CONCERN_HIGH"),
    ]);
    expect(new Set(dots.map((d) => d.attrs.fill)).size).toBe(3);
    for (const p of panels) expect(desc).toContain(p.organisation);
    expect(desc).toContain(
      "Bridgewater (Falls & huddles): latest 3 falls per 1,000 occupied bed days (2026-03-01); mean 6, process limits 4 to 8; variation special cause concern high; assurance hit and miss; target 5",
    );
  });

  it("says so when there is nothing to compare, and marks a panel not yet analysed", () => {
    expect(parseSvg(comparisonSvg("PPH", [])).desc).toBe("No organisation reports PPH yet.");
    const { root, desc } = parseSvg(
      comparisonSvg("PPH", [
        panel("Trust", null, {
          mean: null,
          upperLimit: null,
          lowerLimit: null,
          variation: null,
          assurance: null,
          status: "NEEDS_MORE_POINTS",
        }),
      ]),
    );
    expect(findAll(root, (e) => e.attrs.class === "latest")).toHaveLength(0);
    expect(desc).toContain("no data yet; not analysed");
  });
});

describe("funnel plot", () => {
  // Worked by hand: three organisations' falls over occupied bed days (an EXPOSURE denominator,
  // Poisson limits). Pooled: 90 / 30,000 = 0.003 per bed day, 3.0 per 1,000.
  //   A  20 / 10,000 = 2.0   SE = √(0.003/10,000) = 0.000547723   95%: 1.926484 to 4.073516   → within
  //   B  66 / 15,000 = 4.4   SE = √(0.003/15,000) = 0.000447214   99.8% upper: 4.381994        → above 99.8%
  //   C   4 /  5,000 = 0.8   SE = √(0.003/5,000)  = 0.000774597   95% lower 1.481818, 99.8% lower 0.606317 → below 95%
  const A = { numerator: 20, denominator: 10_000 };
  const B = { numerator: 66, denominator: 15_000 };
  const C = { numerator: 4, denominator: 5_000 };

  it("pools every numerator over every denominator, and draws limits as the hand calculation does", () => {
    const theta = pooledRate([A, B, C])!;
    expect(theta).toBeCloseTo(0.003, 12);
    const a95 = funnelLimits(theta, A.denominator, "EXPOSURE", FUNNEL_Z.inner);
    expect(a95.lower * 1000).toBeCloseTo(1.926484, 5);
    expect(a95.upper * 1000).toBeCloseTo(4.073516, 5);
    expect(funnelLimits(theta, B.denominator, "EXPOSURE", FUNNEL_Z.outer).upper * 1000).toBeCloseTo(4.381994, 5);
    const c = funnelBand(C, theta, "EXPOSURE");
    expect(c.inner.lower * 1000).toBeCloseTo(1.481818, 5);
    expect(c.outer.lower * 1000).toBeCloseTo(0.606317, 5);
    expect([A, B, C].map((x) => funnelBand(x, theta, "EXPOSURE").band)).toEqual(["WITHIN", "ABOVE_99_8", "BELOW_95"]);
    expect(pooledRate([])).toBeNull();
  });

  it("uses binomial limits for a POPULATION denominator, clamped to 0 and 1", () => {
    // θ = 0.2 at n = 100: SE = √(0.2 × 0.8 / 100) = 0.04; 95% limits 0.2 ± 1.959964 × 0.04.
    const l = funnelLimits(0.2, 100, "POPULATION", FUNNEL_Z.inner);
    expect(l.lower).toBeCloseTo(0.1216014, 6);
    expect(l.upper).toBeCloseTo(0.2783986, 6);
    // At n = 4 the limits would pass 0 and 1: a proportion cannot.
    expect(funnelLimits(0.5, 4, "POPULATION", FUNNEL_Z.outer)).toEqual({ lower: 0, upper: 1 });
    expect(funnelLimits(0.001, 10, "EXPOSURE", FUNNEL_Z.outer).lower).toBe(0);
  });

  it("colours a point outside the limits by the side of improvement, like Making Data Count's special cause", () => {
    expect(bandColour("WITHIN", "DECREASE")).toBe(variationColour(null));
    expect(bandColour("BELOW_95", "DECREASE")).toBe(variationColour("SPECIAL_CAUSE_IMPROVEMENT_LOW"));
    expect(bandColour("ABOVE_99_8", "DECREASE")).toBe(variationColour("SPECIAL_CAUSE_CONCERN_HIGH"));
    expect(bandColour("ABOVE_95", "INCREASE")).toBe(variationColour("SPECIAL_CAUSE_IMPROVEMENT_HIGH"));
    expect(bandColour("ABOVE_95", "NEUTRAL")).toBe(variationColour("SPECIAL_CAUSE_NEUTRAL_HIGH"));
  });

  const chart = (points: FunnelChart["points"]): FunnelChart => ({
    title: "Falls per 1,000 occupied bed days",
    per: 1000,
    of: "occupied bed days",
    kind: "EXPOSURE",
    improvement: "DECREASE",
    theta: 0.003,
    points,
  });

  it("is well-formed, says in words what it shows, and puts each organisation where its counts say", () => {
    const theta = pooledRate([A, B, C])!;
    const points = [
      { organisation: "Alpha & Co", project: "Falls", ...A, band: funnelBand(A, theta, "EXPOSURE").band },
      { organisation: "Beta", project: "Falls", ...B, band: funnelBand(B, theta, "EXPOSURE").band },
      { organisation: "Gamma", project: "Falls", ...C, band: funnelBand(C, theta, "EXPOSURE").band },
    ];
    const { root, title, desc } = parseSvg(funnelSvg(chart(points)));
    expect(title).toBe("Falls per 1,000 occupied bed days: funnel plot of organisations");
    expect(desc).toContain("pooled rate of 3 per 1,000 occupied bed days");
    expect(desc).toContain(
      "Alpha & Co (Falls): 20 over 10,000 occupied bed days, 2 per 1,000 occupied bed days, within the 95% limits",
    );
    expect(desc).toContain(
      "Beta (Falls): 66 over 15,000 occupied bed days, 4.4 per 1,000 occupied bed days, above the 99.8% limit",
    );
    expect(desc).toContain("below the 95% limit");
    const circles = findAll(root, (e) => e.name === "circle" && e.attrs["data-rate"] !== undefined);
    expect(circles.map((c) => Number(c.attrs["data-rate"]))).toEqual([2, 4.4, 0.8]);
    expect(circles.map((c) => c.attrs.fill)).toEqual([
      bandColour("WITHIN", "DECREASE"),
      bandColour("ABOVE_99_8", "DECREASE"),
      bandColour("BELOW_95", "DECREASE"),
    ]);
    // Larger denominator, further right; higher rate, higher up (smaller y).
    const cx = circles.map((c) => Number(c.attrs.cx));
    const cy = circles.map((c) => Number(c.attrs.cy));
    expect(cx[1]).toBeGreaterThan(cx[0]!);
    expect(cx[0]).toBeGreaterThan(cx[2]!);
    expect(cy[1]).toBeLessThan(cy[0]!);
    expect(cy[0]).toBeLessThan(cy[2]!);
    // Four limit curves, each narrowing to the right: the upper ones fall, the lower ones rise.
    const curves = findAll(root, (e) => e.name === "polyline" && /limit-/.test(e.attrs.class ?? ""));
    expect(curves).toHaveLength(4);
    for (const c of curves) {
      const ys = c.attrs.points!.split(" ").map((p) => Number(p.split(",")[1]));
      const upper = c.attrs.class!.includes("upper");
      // y grows downwards: an upper limit that falls has growing y.
      expect(upper ? ys.at(-1)! > ys[0]! : ys.at(-1)! < ys[0]!, c.attrs.class).toBe(true);
    }
  });

  it("says when nobody reports numerators and denominators", () => {
    expect(parseSvg(funnelSvg(chart([]))).desc).toBe(
      "No organisation reports Falls per 1,000 occupied bed days with numerators and denominators yet.",
    );
  });
});

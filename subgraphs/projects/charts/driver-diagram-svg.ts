// Driver diagram as an accessible SVG string (pure: no I/O): aim → primary drivers → secondary
// drivers → change ideas, as four columns of boxes joined by elbow connectors. Long labels wrap
// onto several lines and boxes grow to fit; each parent is centred on the block of its children,
// so the diagram height follows the content (the viewBox width is fixed).

import { NHS_COLOURS, coord, el, idPrefix, plural, svgDocument, textEl, wrapText } from "../../../lib/charts/svg.ts";

export interface DriverDiagramInput {
  aim: string;
  primary: { label: string; secondary: { label: string; changeIdeas: string[] }[] }[];
}

export type DriverLevel = "aim" | "primary" | "secondary" | "change-idea";

const LEVELS: readonly DriverLevel[] = ["aim", "primary", "secondary", "change-idea"];
const HEADINGS: Record<DriverLevel, string> = {
  aim: "Aim",
  primary: "Primary drivers",
  secondary: "Secondary drivers",
  "change-idea": "Change ideas",
};
const STYLE: Record<DriverLevel, { fill: string; text: string; stroke: string }> = {
  aim: { fill: NHS_COLOURS.darkBlue, text: NHS_COLOURS.white, stroke: NHS_COLOURS.darkBlue },
  primary: { fill: NHS_COLOURS.blue, text: NHS_COLOURS.white, stroke: NHS_COLOURS.blue },
  secondary: { fill: NHS_COLOURS.lightBlue, text: NHS_COLOURS.black, stroke: NHS_COLOURS.lightBlue },
  "change-idea": { fill: NHS_COLOURS.paleGrey, text: NHS_COLOURS.black, stroke: NHS_COLOURS.midGrey },
};

export const DRIVER_LAYOUT = Object.freeze({
  margin: 16,
  headerHeight: 44,
  columnWidth: 212,
  columnGap: 44,
  fontSize: 13,
  lineHeight: 16,
  paddingX: 9,
  paddingY: 9,
  siblingGap: 12,
  /** Approximate average glyph width as a fraction of the font size, for wrapping. */
  charWidth: 0.56,
});

/** Characters per line inside a box (estimated from the font size; SVG cannot measure text itself). */
export const DRIVER_WRAP_CHARS = Math.floor(
  (DRIVER_LAYOUT.columnWidth - 2 * DRIVER_LAYOUT.paddingX) / (DRIVER_LAYOUT.fontSize * DRIVER_LAYOUT.charWidth),
);

interface TreeNode {
  level: DriverLevel;
  label: string;
  lines: string[];
  boxHeight: number;
  /** Height of this node's box or its children's stacked blocks, whichever is taller. */
  blockHeight: number;
  children: TreeNode[];
}

function node(level: DriverLevel, label: string, children: TreeNode[]): TreeNode {
  const L = DRIVER_LAYOUT;
  const lines = wrapText(label, DRIVER_WRAP_CHARS);
  const boxHeight = lines.length * L.lineHeight + 2 * L.paddingY;
  const childrenHeight =
    children.reduce((s, c) => s + c.blockHeight, 0) + Math.max(0, children.length - 1) * L.siblingGap;
  return { level, label, lines, boxHeight, blockHeight: Math.max(boxHeight, childrenHeight), children };
}

function buildTree(input: DriverDiagramInput): TreeNode {
  return node(
    "aim",
    input.aim,
    input.primary.map((p) =>
      node(
        "primary",
        p.label,
        p.secondary.map((s) =>
          node(
            "secondary",
            s.label,
            s.changeIdeas.map((c) => node("change-idea", c, [])),
          ),
        ),
      ),
    ),
  );
}

export function driverDiagramDescription(input: DriverDiagramInput): string {
  const parts = [`Driver diagram. Aim: ${input.aim.trim()}.`];
  if (!input.primary.length) parts.push("No primary drivers yet.");
  else parts.push(`${plural(input.primary.length, "primary driver")}.`);
  input.primary.forEach((p, i) => {
    const sec = p.secondary.map(
      (s) =>
        `${s.label.trim()} (${s.changeIdeas.length ? `change ideas: ${s.changeIdeas.map((c) => c.trim()).join("; ")}` : "no change ideas"})`,
    );
    parts.push(
      `Primary driver ${i + 1}: ${p.label.trim()}; ${sec.length ? `secondary drivers: ${sec.join("; ")}` : "no secondary drivers"}.`,
    );
  });
  return parts.join(" ");
}

export function driverDiagramSvg(input: DriverDiagramInput): string {
  const L = DRIVER_LAYOUT;
  const tree = buildTree(input);
  const width = 2 * L.margin + LEVELS.length * L.columnWidth + (LEVELS.length - 1) * L.columnGap;
  const top = L.margin + L.headerHeight;
  const height = top + tree.blockHeight + L.margin;
  const colX = (level: DriverLevel) => L.margin + LEVELS.indexOf(level) * (L.columnWidth + L.columnGap);

  const boxes: string[] = [];
  const connectors: string[] = [];

  /** Place `n` in a block starting at `blockTop`; returns the y of its box's centre. */
  const place = (n: TreeNode, blockTop: number, path: string): number => {
    const x = colX(n.level);
    const boxTop = blockTop + (n.blockHeight - n.boxHeight) / 2;
    const cy = boxTop + n.boxHeight / 2;
    const s = STYLE[n.level];
    const textTop = boxTop + L.paddingY + L.lineHeight / 2;
    boxes.push(
      el("g", { class: `node node-${n.level}`, "data-level": n.level, "data-path": path, "data-label": n.label }, [
        el("rect", {
          x,
          y: boxTop,
          width: L.columnWidth,
          height: n.boxHeight,
          rx: 4,
          fill: s.fill,
          stroke: s.stroke,
          "stroke-width": 1,
        }),
        el(
          "text",
          {
            x: x + L.paddingX,
            y: textTop,
            "font-size": L.fontSize,
            fill: s.text,
            "dominant-baseline": "middle",
            "font-weight": n.level === "aim" ? "bold" : undefined,
          },
          n.lines.map((line, i) => textEl("tspan", { x: x + L.paddingX, y: textTop + i * L.lineHeight }, line)),
        ),
      ]),
    );
    const childrenHeight =
      n.children.reduce((acc, c) => acc + c.blockHeight, 0) + Math.max(0, n.children.length - 1) * L.siblingGap;
    let cursor = blockTop + (n.blockHeight - childrenHeight) / 2;
    n.children.forEach((c, i) => {
      const childPath = `${path}.${i + 1}`;
      const childCy = place(c, cursor, childPath);
      const x1 = x + L.columnWidth;
      const x2 = colX(c.level);
      const xm = (x1 + x2) / 2;
      connectors.push(
        el("path", {
          class: "connector",
          "data-from": path,
          "data-to": childPath,
          d: `M${coord(x1)} ${coord(cy)}H${coord(xm)}V${coord(childCy)}H${coord(x2)}`,
          fill: "none",
          stroke: NHS_COLOURS.midGrey,
          "stroke-width": 1.5,
        }),
      );
      cursor += c.blockHeight + L.siblingGap;
    });
    return cy;
  };
  place(tree, top, "0");

  const headings = LEVELS.map((level) =>
    textEl(
      "text",
      {
        class: "column-heading",
        x: colX(level) + L.columnWidth / 2,
        y: L.margin + 18,
        "text-anchor": "middle",
        "font-size": 15,
        "font-weight": "bold",
        fill: NHS_COLOURS.black,
      },
      HEADINGS[level],
    ),
  );

  return svgDocument({
    width,
    height,
    title: `Driver diagram: ${input.aim.trim()}`,
    desc: driverDiagramDescription(input),
    className: "driver-diagram",
    id: idPrefix("driver", JSON.stringify(input)),
    body: [
      el("g", { class: "headings" }, headings),
      el("g", { class: "connectors" }, connectors),
      el("g", { class: "nodes" }, boxes),
    ].join(""),
  });
}

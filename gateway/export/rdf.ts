// A small RDF graph (IRIs and literals only, no blank nodes) and its two serialisations, JSON-LD
// and Turtle. Both exports are written from the same graph, so they carry the same triples by
// construction; tests/integration/export.test.ts parses both with real parsers to prove it.
export type Term = { iri: string } | { value: string; datatype?: string };

export interface RdfNode {
  iri: string;
  types: string[];
  /** Predicate (a prefixed name from PREFIXES) → values. */
  props: [predicate: string, value: Term][];
}

export const PREFIXES = {
  dcat: "http://www.w3.org/ns/dcat#",
  dct: "http://purl.org/dc/terms/",
  foaf: "http://xmlns.com/foaf/0.1/",
  skos: "http://www.w3.org/2004/02/skos/core#",
  xsd: "http://www.w3.org/2001/XMLSchema#",
} as const;

/**
 * An IRI safe in Turtle's <...> and as a JSON-LD @id: the characters IRIREF forbids (controls,
 * space, <>"{}|^`\) are percent-encoded (Turtle's \u escapes of them are not legal either).
 */
export function safeIri(s: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point: an IRI may not hold them
  return s.replace(/[\u0000-\u0020<>"{}|^`\\]/g, (c) => encodeURIComponent(c));
}

/** A URL a partner gave (a landing page), as an IRI; undefined when it is not an http(s) URL. */
export function urlIri(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? safeIri(u.href) : undefined;
  } catch {
    return undefined;
  }
}

/** Merges nodes of the same IRI (an organisation publishing several resources appears once). */
export function mergeNodes(nodes: RdfNode[]): RdfNode[] {
  const byIri = new Map<string, RdfNode>();
  for (const n of nodes) {
    const seen = byIri.get(n.iri);
    if (!seen) {
      byIri.set(n.iri, { iri: n.iri, types: [...n.types], props: [...n.props] });
      continue;
    }
    for (const t of n.types) if (!seen.types.includes(t)) seen.types.push(t);
    const key = (p: string, v: Term) => `${p} ${JSON.stringify(v)}`;
    const have = new Set(seen.props.map(([p, v]) => key(p, v)));
    for (const [p, v] of n.props) if (!have.has(key(p, v))) seen.props.push([p, v]);
  }
  return [...byIri.values()];
}

/** JSON-LD with its context inline (no remote context for a processor to fetch). */
export function toJsonLd(nodes: RdfNode[]): Record<string, unknown> {
  return {
    "@context": { ...PREFIXES },
    "@graph": nodes.map((n) => {
      const out: Record<string, unknown> = { "@id": safeIri(n.iri), "@type": n.types };
      for (const [p, v] of n.props) {
        const value =
          "iri" in v
            ? { "@id": safeIri(v.iri) }
            : v.datatype
              ? { "@value": v.value, "@type": v.datatype }
              : { "@value": v.value };
        ((out[p] ??= []) as unknown[]).push(value);
      }
      return out;
    }),
  };
}

/** A Turtle string literal: backslash, quote and line breaks escaped, other controls as \uXXXX. */
export function turtleString(s: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point: Turtle escapes them
  return `"${s.replace(/[\\"\u0000-\u001f\u007f]/g, (c) => {
    switch (c) {
      case "\\":
        return "\\\\";
      case '"':
        return '\\"';
      case "\n":
        return "\\n";
      case "\r":
        return "\\r";
      case "\t":
        return "\\t";
      default:
        return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
    }
  })}"`;
}

const iriRef = (iri: string) => `<${safeIri(iri)}>`;

function turtleTerm(v: Term): string {
  if ("iri" in v) return iriRef(v.iri);
  return v.datatype ? `${turtleString(v.value)}^^${v.datatype}` : turtleString(v.value);
}

export function toTurtle(nodes: RdfNode[]): string {
  const lines = Object.entries(PREFIXES).map(([p, iri]) => `@prefix ${p}: <${iri}> .`);
  for (const n of nodes) {
    const parts = [`a ${n.types.join(", ")}`, ...n.props.map(([p, v]) => `${p} ${turtleTerm(v)}`)];
    lines.push("", `${iriRef(n.iri)}\n    ${parts.join(" ;\n    ")} .`);
  }
  return `${lines.join("\n")}\n`;
}

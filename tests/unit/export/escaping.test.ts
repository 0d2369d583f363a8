// The export's escapings on their own: CSV cells (RFC 4180 quoting, formula-injection guard) read
// back by csv-parse, and Turtle literals and IRIs read back by n3.
import { describe, expect, it } from "vitest";
import { parse as parseCsv } from "csv-parse/sync";
import { Parser } from "n3";
import { csvRow } from "../../../gateway/export/csv.ts";
import { toTurtle } from "../../../gateway/export/rdf.ts";

describe("CSV cells", () => {
  it("quote commas, quotes and line breaks, and neutralise cells a spreadsheet would run as formulas", () => {
    const cells = [
      "=1+1",
      "+44 20",
      "-2",
      "@SUM(A1)",
      "\tTab",
      "a,b",
      'say "hi"',
      "two\nlines",
      "plain",
      null,
      3.5,
      true,
    ];
    const [row] = parseCsv(csvRow(cells), { relax_column_count: false }) as string[][];
    expect(row).toEqual([
      "'=1+1",
      "'+44 20",
      "'-2",
      "'@SUM(A1)",
      "'\tTab",
      "a,b",
      'say "hi"',
      "two\nlines",
      "plain",
      "",
      "3.5",
      "true",
    ]);
  });
});

describe("Turtle", () => {
  it("writes literals and IRIs that a Turtle parser reads back unchanged", () => {
    const nasty = `quote " backslash \\ newline \n cr \r tab \t bell \u0007 """triple""" and ünï 😀`;
    const text = toTurtle([
      {
        iri: "http://x.example/a b<c>",
        types: ["dcat:Dataset"],
        props: [
          ["dct:title", { value: nasty }],
          ["dcat:landingPage", { iri: 'http://x.example/{"q"}' }],
        ],
      },
    ]);
    const quads = new Parser().parse(text);
    expect(quads.find((q: any) => q.predicate.value.endsWith("title")).object.value).toBe(nasty);
    expect(quads[0].subject.value).toBe("http://x.example/a%20b%3Cc%3E");
    expect(quads.find((q: any) => q.predicate.value.endsWith("landingPage")).object.value).toBe(
      "http://x.example/%7B%22q%22%7D",
    );
  });
});

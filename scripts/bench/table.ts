// Prints rows as an aligned text table: every bench section reports through this, so the one
// `npm run bench` output reads as one set of tables.
export function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  for (const r of rows)
    console.log(
      r
        .map((cell, c) => (cell ?? "").padEnd(widths[c]!))
        .join("  ")
        .trimEnd(),
    );
}

// CSV cells (RFC 4180) with a guard against formula injection: a spreadsheet runs a cell that
// starts with = + - @ (or a tab or carriage return, which some treat the same) as a formula, so
// such a text cell is prefixed with a single quote (OWASP's "CSV injection" advice).
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  let s = String(value);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function csvRow(values: unknown[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}

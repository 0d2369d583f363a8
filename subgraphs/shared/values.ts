// Small conversions shared by the partner subgraphs' resolvers: ids to entity references and
// database dates to the contract's Date / DateTime strings.

/** `[{ id }]` references to entities another subgraph resolves. */
export const refs = (ids: readonly string[] | null | undefined) => (ids ?? []).map((id) => ({ id }));
export const ref = (id: string | null | undefined) => (id ? { id } : null);

/** The vocabulary fields every partner kind's item has: references the catalogue resolves. */
export const vocabularyRefs = <
  Row extends { topics: readonly string[]; drivers: readonly string[]; settings: readonly string[] },
>() => ({
  topics: (r: Row) => refs(r.topics),
  drivers: (r: Row) => refs(r.drivers),
  settings: (r: Row) => refs(r.settings),
});

/** A @db.Date column as YYYY-MM-DD (null for none: a required column gives a string). */
export function isoDay(d: Date): string;
export function isoDay(d: Date | null | undefined): string | null;
export function isoDay(d: Date | null | undefined): string | null {
  return d ? d.toISOString().slice(0, 10) : null;
}
export function isoTime(d: Date): string;
export function isoTime(d: Date | null | undefined): string | null;
export function isoTime(d: Date | null | undefined): string | null {
  return d ? d.toISOString() : null;
}

/** YYYY-MM-DD to a Date at UTC midnight, for @db.Date columns. */
export const day = (s: string | undefined) => (s ? new Date(`${s}T00:00:00.000Z`) : undefined);

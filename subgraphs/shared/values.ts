// Small conversions shared by the partner subgraphs' resolvers: ids to entity references and
// database dates to the contract's Date / DateTime strings.

/** `[{ id }]` references to entities another subgraph resolves. */
export const refs = (ids: readonly string[] | null | undefined) => (ids ?? []).map((id) => ({ id }));
export const ref = (id: string | null | undefined) => (id ? { id } : null);

/** A @db.Date column as YYYY-MM-DD. */
export const isoDay = (d: Date | null | undefined) => (d ? d.toISOString().slice(0, 10) : null);
export const isoTime = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** YYYY-MM-DD to a Date at UTC midnight, for @db.Date columns. */
export const day = (s: string | undefined) => (s ? new Date(`${s}T00:00:00.000Z`) : undefined);

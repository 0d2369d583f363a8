// DataLoader helpers. Every __resolveReference and parent→child field goes through a loader whose
// batch function makes ONE query for all keys (`where: { key: { in: keys } }`), maps rows back by
// key and answers null / [] for misses. Batches are capped so one request cannot build an
// unbounded IN list.
import DataLoader from "dataloader";

export const MAX_BATCH = 500;

/** One row (or null) per key. */
export function rowLoader<K, R>(
  fetch: (keys: readonly K[]) => Promise<R[]>,
  keyOf: (row: R) => K,
): DataLoader<K, R | null> {
  return new DataLoader<K, R | null>(
    async (keys) => {
      const rows = await fetch(keys);
      const byKey = new Map(rows.map((r) => [keyOf(r), r]));
      return keys.map((k) => byKey.get(k) ?? null);
    },
    { maxBatchSize: MAX_BATCH },
  );
}

/** All rows (possibly none) per key, in the order the query returned them. */
export function groupLoader<K, R>(
  fetch: (keys: readonly K[]) => Promise<R[]>,
  keyOf: (row: R) => K,
): DataLoader<K, R[]> {
  return new DataLoader<K, R[]>(
    async (keys) => {
      const rows = await fetch(keys);
      const byKey = new Map<K, R[]>();
      for (const r of rows) {
        const k = keyOf(r);
        const list = byKey.get(k);
        if (list) list.push(r);
        else byKey.set(k, [r]);
      }
      return keys.map((k) => byKey.get(k) ?? []);
    },
    { maxBatchSize: MAX_BATCH },
  );
}

/**
 * A child table's rows per parent: `column` is the child's column holding the parent's local id, and
 * `fetch` runs the one query with the filter on it (`where`), in the order the field lists them.
 */
export function childLoader<C extends string, R extends Record<C, string>>(
  column: C,
  fetch: (where: Record<C, { in: string[] }>) => Promise<R[]>,
): DataLoader<string, R[]> {
  // A computed key is a plain string to the compiler: the filter is exactly Record<C, { in: string[] }>.
  const where = (keys: readonly string[]) => ({ [column]: { in: [...keys] } }) as Record<C, { in: string[] }>;
  return groupLoader(
    (keys: readonly string[]) => fetch(where(keys)),
    (r) => r[column],
  );
}

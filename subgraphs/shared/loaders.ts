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

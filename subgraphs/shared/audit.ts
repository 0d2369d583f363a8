// Reading a partner's append-only audit log (subgraphs/shared/writes.ts appends to it). One
// statement per request whatever the number of items asked about: the newest 100 entries of each.
import DataLoader from "dataloader";
import { MAX_BATCH } from "./loaders.ts";
import type { RawTx } from "./writes.ts";

export interface AuditRow {
  at: string;
  actor: string;
  mutation: string;
  item: string;
  changes: string;
}

const PER_ITEM = 100;

export function auditLoader(db: RawTx) {
  return new DataLoader<string, AuditRow[]>(
    async (items) => {
      const rows = await db.$queryRawUnsafe<
        { at: Date; actor: string; mutation: string; item: string; changes: unknown }[]
      >(
        `SELECT "at", "actor", "mutation", "item", "changes" FROM (
           SELECT *, ROW_NUMBER() OVER (PARTITION BY "item" ORDER BY "id" DESC) AS n FROM "AuditEntry" WHERE "item" = ANY($1::text[])
         ) ranked WHERE n <= ${PER_ITEM} ORDER BY "item", "id" DESC`,
        [...items],
      );
      const byItem = new Map<string, AuditRow[]>();
      for (const r of rows) {
        const entry = {
          at: r.at.toISOString(),
          actor: r.actor,
          mutation: r.mutation,
          item: r.item,
          changes: JSON.stringify(r.changes),
        };
        const list = byItem.get(r.item);
        if (list) list.push(entry);
        else byItem.set(r.item, [entry]);
      }
      return items.map((i) => byItem.get(i) ?? []);
    },
    { maxBatchSize: MAX_BATCH },
  );
}

// What every partner kind's writes share around runWrite (writes.ts): the call with the request's
// caller and partner, deleting an item with its tombstone, and reading the item again after a write.
import type DataLoader from "dataloader";
import { formatId, parseId } from "../../schema/ids.ts";
import { ENTITY_OF_KIND, type PartnerKind } from "../../schema/kinds.ts";
import type { Partner } from "../../lib/registry/registry.ts";
import type { UserIdentity } from "../../lib/auth/identity.ts";
import type { Caller } from "./caller.ts";
import { newLocalId, notFound } from "./mutation-args.ts";
import { runWrite, type RawTx, type TxClient, type WriteOutcome } from "./writes.ts";

/** The part of a kind's request context that a write uses. */
export interface WriteContext<Tx extends RawTx> {
  prisma: TxClient<Tx>;
  caller: Caller;
  partner: Partner;
}

/**
 * runWrite for this request: the mutation's arguments are what a retry must repeat, its
 * idempotencyKey the key; `authorise` defaults to runWrite's (the organisation's editors).
 */
export function writeFor<Tx extends RawTx, R>(
  ctx: WriteContext<Tx>,
  mutation: string,
  args: { idempotencyKey: string },
  work: (tx: Tx, identity: UserIdentity) => Promise<WriteOutcome<R>>,
  authorise?: (tx: Tx) => Promise<UserIdentity>,
): Promise<R> {
  return runWrite(
    ctx.prisma,
    { caller: ctx.caller, partner: ctx.partner, mutation, idempotencyKey: args.idempotencyKey, args },
    work,
    authorise,
  );
}

/** The item's model and the Tombstone model of a kind's transaction client. */
interface Deletable {
  deleteMany(args: { where: { local: string } }): Promise<{ count: number }>;
}
interface Tombstones {
  upsert(args: {
    where: { local: string };
    create: { local: string; deletedAt: Date };
    update: { deletedAt: Date };
  }): Promise<unknown>;
}

/**
 * Deletes an item and records its tombstone in the caller's transaction, so the national catalogue
 * drops it at its next harvest (shared/feed.ts reads tombstones as removals). Returns false, and
 * records nothing, when there was no such item.
 */
export async function removeWithTombstone(items: Deletable, tombstones: Tombstones, local: string): Promise<boolean> {
  const { count } = await items.deleteMany({ where: { local } });
  if (count === 0) return false;
  const deletedAt = new Date();
  await tombstones.upsert({ where: { local }, create: { local, deletedAt }, update: { deletedAt } });
  return true;
}

/** A create mutation's work: `insert` writes the row under a new local id readable from its title. */
export async function creation(
  kind: PartnerKind,
  partnerId: string,
  title: string,
  insert: (local: string) => Promise<unknown>,
  /** What the audit log records. */
  changes: unknown,
): Promise<WriteOutcome<{ id: string }>> {
  const local = newLocalId(title);
  await insert(local);
  const id = formatId(partnerId, kind, local);
  return { result: { id }, item: id, changes };
}

/** A write to the item's own row (update, publish): NOT_FOUND when `write` changed no row. */
export async function rowWrite(
  kind: PartnerKind,
  what: string,
  partnerId: string,
  local: string,
  write: () => Promise<{ count: number }>,
  /** What the audit log records. */
  changes: unknown,
): Promise<WriteOutcome<{ id: string }>> {
  const id = formatId(partnerId, kind, local);
  const { count } = await write();
  if (count === 0) throw notFound(what, id);
  return { result: { id }, item: id, changes };
}

/** The item model of a kind's transaction client, as an update writes it (`D`: its column values). */
interface RowUpdates<D> {
  updateMany(args: { where: { local: string }; data: D }): Promise<{ count: number }>;
}

/** An update mutation's work: the input's columns written to the item's row; the audit records the input. */
export function rowUpdate<Tx, I, D>(kind: PartnerKind, model: (tx: Tx) => RowUpdates<D>, columns: (input: I) => D) {
  const what = ENTITY_OF_KIND[kind].idWord;
  return (tx: Tx, partnerId: string, local: string, input: I): Promise<WriteOutcome<{ id: string }>> =>
    rowWrite(
      kind,
      what,
      partnerId,
      local,
      () => model(tx).updateMany({ where: { local }, data: columns(input) }),
      input,
    );
}

/** A delete mutation's work: the item goes (NOT_FOUND when there was none), the audit says so. */
export async function deletion(
  kind: PartnerKind,
  what: string,
  partnerId: string,
  local: string,
  remove: () => Promise<boolean>,
): Promise<WriteOutcome<{ id: string }>> {
  const id = formatId(partnerId, kind, local);
  if (!(await remove())) throw notFound(what, id);
  return { result: { id }, item: id, changes: { deleted: true } };
}

/**
 * The part a write added or changed (an event, a member, a measure...), among the parts the request
 * reads after it. A retry answered from its receipt after the part was removed finds none: NOT_FOUND
 * naming the part and its item, not a null where the contract promises the part.
 */
export function partOf<Part extends { id: string }>(
  parts: readonly Part[],
  id: string | undefined,
  what: string,
  itemId: string,
): Part {
  const part = parts.find((p) => p.id === id);
  if (!part) throw notFound(what, `${id} in ${itemId}`);
  return part;
}

/**
 * The item as it is after the write. Every loader of the request is emptied first: an earlier field
 * may have loaded the item, or its parts, before the write. A retry answered from its receipt after
 * the item was deleted finds none: NOT_FOUND, not a null where the contract promises the item.
 */
export async function reread<Row>(
  loaders: readonly Record<string, { clearAll(): unknown }>[],
  byLocal: DataLoader<string, Row | null>,
  what: string,
  globalId: string,
): Promise<Row> {
  for (const group of loaders) for (const loader of Object.values(group)) loader.clearAll();
  const row = await byLocal.load(parseId(globalId)!.local);
  if (!row) throw notFound(what, globalId);
  return row;
}

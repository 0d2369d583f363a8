// The resources partner's writes, each inside runWrite's transaction (subgraphs/shared/writes.ts):
// the row change, its tombstone bookkeeping, and the changes the audit log records.
import type { Prisma, Resource } from "../generated/prisma/client.ts";
import { formatId } from "../../../schema/ids.ts";
import { day } from "../../shared/values.ts";
import { notFound } from "../../shared/mutation-args.ts";
import type { WriteOutcome } from "../../shared/writes.ts";
import { creation, deletion, rowUpdate } from "../../shared/item-writes.ts";
import type { CreateResourceInput } from "../inputs.ts";
import { removeResource } from "./resources.ts";
import { PUBLISHED } from "../../shared/item-table.ts";

type Tx = Prisma.TransactionClient;
export interface ResourceResult {
  id: string;
}

function columns(input: Partial<CreateResourceInput>): Prisma.ResourceUncheckedUpdateManyInput {
  const { publisher, publishedOn, ...rest } = input;
  return {
    ...rest,
    ...(publisher !== undefined ? { publisherId: publisher } : {}),
    ...(publishedOn !== undefined ? { publishedOn: publishedOn === null ? null : day(publishedOn) } : {}),
  };
}

export function createResource(
  tx: Tx,
  partnerId: string,
  input: CreateResourceInput,
): Promise<WriteOutcome<ResourceResult>> {
  const data = { ...(columns(input) as Prisma.ResourceUncheckedCreateInput), status: "DRAFT" };
  const insert = (local: string) => tx.resource.create({ data: { ...data, local } });
  return creation("resources", partnerId, input.title, insert, { ...input, status: "DRAFT" });
}

async function existing(tx: Tx, partnerId: string, local: string): Promise<Resource> {
  const row = await tx.resource.findUnique({ where: { local } });
  if (!row) throw notFound("resource", formatId(partnerId, "resources", local));
  return row;
}

export const updateResource = rowUpdate("resources", (tx: Tx) => tx.resource, columns);

export async function publishResource(tx: Tx, partnerId: string, local: string): Promise<WriteOutcome<ResourceResult>> {
  const row = await existing(tx, partnerId, local);
  const publishedOn = row.publishedOn ?? day(new Date().toISOString().slice(0, 10))!;
  await tx.resource.update({ where: { local }, data: { status: PUBLISHED, publishedOn } });
  const id = formatId(partnerId, "resources", local);
  return { result: { id }, item: id, changes: { status: PUBLISHED } };
}

export function deleteResourceWrite(tx: Tx, partnerId: string, local: string): Promise<WriteOutcome<ResourceResult>> {
  return deletion("resources", "resource", partnerId, local, () => removeResource(tx, local));
}

// The create and update mutations every partner kind has for its item: the arguments checked at the
// edge (the input, and for an update the item's own id), the work through runWrite (writeFor), and
// the item as it now is. A kind names its schema, its write and how to read the item again.
import type { z } from "zod";
import type { PartnerKind } from "../../schema/kinds.ts";
import type { UserIdentity } from "../../lib/auth/identity.ts";
import { ownLocalId, parseArg } from "./mutation-args.ts";
import { writeFor, type WriteContext } from "./item-writes.ts";
import type { RawTx, WriteOutcome } from "./writes.ts";

type Written = { id: string };
type Args = { input: unknown; idempotencyKey: string };

export function createMutation<Tx extends RawTx, Ctx extends WriteContext<Tx>, S extends z.ZodType, Row>(
  mutation: string,
  schema: S,
  work: (tx: Tx, partnerId: string, input: z.infer<S>) => Promise<WriteOutcome<Written>>,
  answer: (ctx: Ctx, result: Written) => Promise<Row>,
) {
  return (_: unknown, args: Args, ctx: Ctx): Promise<Row> => {
    const input = parseArg(schema, args.input, "input");
    return writeFor(ctx, mutation, args, (tx) => work(tx, ctx.partner.id, input)).then((r) => answer(ctx, r));
  };
}

export function updateMutation<Tx extends RawTx, Ctx extends WriteContext<Tx>, S extends z.ZodType, Row>(
  kind: PartnerKind,
  mutation: string,
  schema: S,
  work: (tx: Tx, partnerId: string, local: string, input: z.infer<S>) => Promise<WriteOutcome<Written>>,
  answer: (ctx: Ctx, result: Written) => Promise<Row>,
  /** Who may make it (default: runWrite's, the organisation's editors), given the item's local id. */
  authorise?: (ctx: Ctx, local: string) => (tx: Tx) => Promise<UserIdentity>,
) {
  return (_: unknown, args: Args & { id: string }, ctx: Ctx): Promise<Row> => {
    const local = ownLocalId(args.id, kind, ctx.partner);
    const input = parseArg(schema, args.input, "input");
    const write = (tx: Tx) => work(tx, ctx.partner.id, local, input);
    return writeFor(ctx, mutation, args, write, authorise?.(ctx, local)).then((r) => answer(ctx, r));
  };
}

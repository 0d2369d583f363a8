// The resources contract's Mutation resolvers: validate at the edge, write through runWrite (one
// transaction with idempotency and audit), answer the row as the caller may now see it.
import { parseId } from "../../schema/ids.ts";
import { parseArg, ownLocalId } from "../shared/mutation-args.ts";
import { runWrite } from "../shared/writes.ts";
import type { ResourcesContext } from "./context.ts";
import { createResourceInput, updateResourceInput } from "./inputs.ts";
import { createResource, deleteResourceWrite, publishResource, updateResource, type ResourceResult } from "./data/resource-writes.ts";
import type { Prisma } from "./generated/prisma/client.ts";

type Args = { idempotencyKey: string; id?: string; input?: unknown };

function write(ctx: ResourcesContext, mutation: string, args: Args, work: (tx: Prisma.TransactionClient) => Promise<{ result: ResourceResult; item: string; changes: unknown }>) {
  return runWrite(ctx.prisma, { caller: ctx.caller, partner: ctx.partner, mutation, idempotencyKey: args.idempotencyKey, args }, work);
}

/** The written resource, read afresh (the request's loader may hold the row from before the write). */
function answer(ctx: ResourcesContext) {
  return async ({ id }: ResourceResult) => {
    const local = parseId(id)!.local;
    return ctx.loaders.byLocal.clear(local).load(local);
  };
}

export const mutations = {
  createResource: (_: unknown, args: Args, ctx: ResourcesContext) => {
    const input = parseArg(createResourceInput, args.input, "input");
    return write(ctx, "createResource", args, (tx) => createResource(tx, ctx.partner.id, input)).then(answer(ctx));
  },
  updateResource: (_: unknown, args: Args, ctx: ResourcesContext) => {
    const local = ownLocalId(args.id, "resources", ctx.partner);
    const input = parseArg(updateResourceInput, args.input, "input");
    return write(ctx, "updateResource", args, (tx) => updateResource(tx, ctx.partner.id, local, input)).then(answer(ctx));
  },
  publishResource: (_: unknown, args: Args, ctx: ResourcesContext) => {
    const local = ownLocalId(args.id, "resources", ctx.partner);
    return write(ctx, "publishResource", args, (tx) => publishResource(tx, ctx.partner.id, local)).then(answer(ctx));
  },
  deleteResource: (_: unknown, args: Args, ctx: ResourcesContext) => {
    const local = ownLocalId(args.id, "resources", ctx.partner);
    return write(ctx, "deleteResource", args, (tx) => deleteResourceWrite(tx, ctx.partner.id, local));
  },
};

// The resources contract's Mutation resolvers: validate at the edge, write through runWrite (one
// transaction with idempotency and audit), answer the row as the caller may now see it.
import { parseArg, ownLocalId } from "../shared/mutation-args.ts";
import { reread, writeFor } from "../shared/item-writes.ts";
import type { ResourcesContext } from "./context.ts";
import type { MutationResolvers } from "./generated/graphql.ts";
import { createResourceInput, updateResourceInput } from "./inputs.ts";
import {
  createResource,
  deleteResourceWrite,
  publishResource,
  updateResource,
  type ResourceResult,
} from "./data/resource-writes.ts";

/** The written resource, read afresh (the request's loader may hold the row from before the write). */
const answer = (ctx: ResourcesContext) => (result: ResourceResult) =>
  reread([ctx.loaders], ctx.loaders.byLocal, "resource", result.id);

export const mutations: MutationResolvers = {
  createResource: (_, args, ctx) => {
    const input = parseArg(createResourceInput, args.input, "input");
    return writeFor(ctx, "createResource", args, (tx) => createResource(tx, ctx.partner.id, input)).then(answer(ctx));
  },
  updateResource: (_, args, ctx) => {
    const local = ownLocalId(args.id, "resources", ctx.partner);
    const input = parseArg(updateResourceInput, args.input, "input");
    return writeFor(ctx, "updateResource", args, (tx) => updateResource(tx, ctx.partner.id, local, input)).then(
      answer(ctx),
    );
  },
  publishResource: (_, args, ctx) => {
    const local = ownLocalId(args.id, "resources", ctx.partner);
    return writeFor(ctx, "publishResource", args, (tx) => publishResource(tx, ctx.partner.id, local)).then(answer(ctx));
  },
  deleteResource: (_, args, ctx) => {
    const local = ownLocalId(args.id, "resources", ctx.partner);
    return writeFor(ctx, "deleteResource", args, (tx) => deleteResourceWrite(tx, ctx.partner.id, local));
  },
};

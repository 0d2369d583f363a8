// The resources contract's Mutation resolvers: validate at the edge, write through runWrite (one
// transaction with idempotency and audit), answer the row as the caller may now see it.
import { ownLocalId } from "../shared/mutation-args.ts";
import { reread, writeFor } from "../shared/item-writes.ts";
import { createMutation, updateMutation } from "../shared/item-mutations.ts";
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
const resource = (ctx: ResourcesContext, result: ResourceResult) =>
  reread([ctx.loaders], ctx.loaders.byLocal, "resource", result.id);
const answer = (ctx: ResourcesContext) => (result: ResourceResult) => resource(ctx, result);

export const mutations: MutationResolvers = {
  createResource: createMutation("createResource", createResourceInput, createResource, resource),
  updateResource: updateMutation("resources", "updateResource", updateResourceInput, updateResource, resource),
  publishResource: (_, args, ctx) => {
    const local = ownLocalId(args.id, "resources", ctx.partner);
    return writeFor(ctx, "publishResource", args, (tx) => publishResource(tx, ctx.partner.id, local)).then(answer(ctx));
  },
  deleteResource: (_, args, ctx) => {
    const local = ownLocalId(args.id, "resources", ctx.partner);
    return writeFor(ctx, "deleteResource", args, (tx) => deleteResourceWrite(tx, ctx.partner.id, local));
  },
};

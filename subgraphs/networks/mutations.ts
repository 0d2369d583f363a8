// The networks contract's Mutation resolvers: validate at the edge, write through runWrite (one
// transaction with idempotency and audit), answer the network as it now is.
//
// Who may write: creating, changing and deleting networks and their events is for editors (and
// admins) of the partner's organisation (runWrite's default). Joining and leaving are the
// exception, see `selfService`.
import { GraphQLError } from "graphql";
import { ErrorCode } from "../../lib/errors.ts";
import type { UserIdentity } from "../../lib/auth/identity.ts";
import type { Caller } from "../shared/caller.ts";
import { parseArg, ownLocalId } from "../shared/mutation-args.ts";
import { partOf, reread, writeFor } from "../shared/item-writes.ts";
import { createMutation, updateMutation } from "../shared/item-mutations.ts";
import type { NetworksContext } from "./context.ts";
import type { MutationResolvers } from "./generated/graphql.ts";
import { createNetworkInput, eventInput, joinNetworkInput, updateNetworkInput } from "./inputs.ts";
import * as writes from "./data/network-writes.ts";
import type { NetworkResult } from "./data/network-writes.ts";

/**
 * joinNetwork and leaveNetwork are the only writes a user may make to another organisation's
 * partner: a community of practice exists to be joined by people from anywhere, and joining is the
 * user's own act, not their organisation's, so any signed-in user may do it whatever their role.
 * What keeps it safe is what it can write: only the caller's own member row, with the user id and
 * organisation taken from the gateway-signed identity, never from the input. It still needs the
 * gateway's signature and a user (not anonymous, not a service), like every write.
 */
function selfService(caller: Caller): () => Promise<UserIdentity> {
  return async () => {
    if (!caller.signed || caller.by !== "gateway") {
      throw new GraphQLError("Writes must come through the national gateway (no valid gateway signature)", {
        extensions: { code: ErrorCode.UNAUTHENTICATED },
      });
    }
    if (caller.identity.kind !== "user") {
      throw new GraphQLError("Sign in to join a network: send an Authorization: Bearer token", {
        extensions: { code: ErrorCode.UNAUTHENTICATED },
      });
    }
    return caller.identity;
  };
}

/** The network row as it is after the write (shared/item-writes.ts reread). */
const network = (ctx: NetworksContext, result: NetworkResult) =>
  reread([ctx.loaders], ctx.loaders.byLocal, "network", result.id);
const answer = (ctx: NetworksContext) => (result: NetworkResult) => network(ctx, result);
const networkId = (ctx: NetworksContext, networkId: string) =>
  ownLocalId(networkId, "networks", ctx.partner, "networkId");

export const mutations: MutationResolvers = {
  createNetwork: createMutation("createNetwork", createNetworkInput, writes.createNetwork, network),
  updateNetwork: updateMutation("networks", "updateNetwork", updateNetworkInput, writes.updateNetwork, network),
  deleteNetwork: (_, args, ctx) => {
    const local = ownLocalId(args.id, "networks", ctx.partner);
    return writeFor(ctx, "deleteNetwork", args, (tx) => writes.deleteNetworkWrite(tx, ctx.partner.id, local));
  },
  addEvent: async (_, args, ctx) => {
    const local = networkId(ctx, args.networkId);
    const input = parseArg(eventInput, args.input, "input");
    const result = await writeFor(ctx, "addEvent", args, (tx) => writes.addEvent(tx, ctx.partner.id, local, input));
    const row = await network(ctx, result);
    return { network: row, event: partOf(await ctx.loaders.events.load(local), result.eventId, "event", result.id) };
  },
  joinNetwork: (_, args, ctx) => {
    const local = networkId(ctx, args.networkId);
    const input = parseArg(joinNetworkInput, args.input, "input");
    return writeFor(
      ctx,
      "joinNetwork",
      args,
      (tx, user) => writes.joinNetwork(tx, ctx.partner.id, local, user, input),
      selfService(ctx.caller),
    ).then(answer(ctx));
  },
  leaveNetwork: (_, args, ctx) => {
    const local = networkId(ctx, args.networkId);
    return writeFor(
      ctx,
      "leaveNetwork",
      args,
      (tx, user) => writes.leaveNetwork(tx, ctx.partner.id, local, user),
      selfService(ctx.caller),
    ).then(answer(ctx));
  },
};

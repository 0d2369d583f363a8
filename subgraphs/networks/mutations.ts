// The networks contract's Mutation resolvers: validate at the edge, write through runWrite (one
// transaction with idempotency and audit), answer the network as it now is.
//
// Who may write: creating, changing and deleting networks and their events is for editors (and
// admins) of the partner's organisation (runWrite's default). Joining and leaving are the
// exception, see `selfService`.
import { GraphQLError } from "graphql";
import { parseId } from "../../schema/ids.ts";
import { ErrorCode } from "../../lib/errors.ts";
import type { UserIdentity } from "../../lib/auth/identity.ts";
import type { Caller } from "../shared/caller.ts";
import { notFound, parseArg, ownLocalId } from "../shared/mutation-args.ts";
import { runWrite, type WriteOutcome } from "../shared/writes.ts";
import type { NetworksContext } from "./context.ts";
import { createNetworkInput, eventInput, joinNetworkInput, updateNetworkInput } from "./inputs.ts";
import * as writes from "./data/network-writes.ts";
import type { NetworkResult } from "./data/network-writes.ts";
import type { Prisma } from "./generated/prisma/client.ts";

type Tx = Prisma.TransactionClient;
type Args = Record<string, unknown> & { idempotencyKey: string };

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
      throw new GraphQLError("Sign in to join a network: send an Authorization: Bearer token", { extensions: { code: ErrorCode.UNAUTHENTICATED } });
    }
    return caller.identity;
  };
}

function write(
  ctx: NetworksContext,
  mutation: string,
  args: Args,
  work: (tx: Tx, identity: UserIdentity) => Promise<WriteOutcome<NetworkResult>>,
  authorise?: () => Promise<UserIdentity>,
) {
  return runWrite(ctx.prisma, { caller: ctx.caller, partner: ctx.partner, mutation, idempotencyKey: args.idempotencyKey, args }, work, authorise);
}

/**
 * The network row as it is after the write (the request's loaders may hold it from before). A retry
 * answered from its receipt after the network was deleted finds none: NOT_FOUND.
 */
async function network(ctx: NetworksContext, result: NetworkResult) {
  for (const loader of Object.values(ctx.loaders)) loader.clearAll();
  const row = await ctx.loaders.byLocal.load(parseId(result.id)!.local);
  if (!row) throw notFound("network", result.id);
  return row;
}
const answer = (ctx: NetworksContext) => (result: NetworkResult) => network(ctx, result);
const networkId = (ctx: NetworksContext, args: Args) => ownLocalId(args.networkId, "networks", ctx.partner, "networkId");

export const mutations = {
  createNetwork: (_: unknown, args: Args, ctx: NetworksContext) => {
    const input = parseArg(createNetworkInput, args.input, "input");
    return write(ctx, "createNetwork", args, (tx) => writes.createNetwork(tx, ctx.partner.id, input)).then(answer(ctx));
  },
  updateNetwork: (_: unknown, args: Args, ctx: NetworksContext) => {
    const local = ownLocalId(args.id, "networks", ctx.partner);
    const input = parseArg(updateNetworkInput, args.input, "input");
    return write(ctx, "updateNetwork", args, (tx) => writes.updateNetwork(tx, ctx.partner.id, local, input)).then(answer(ctx));
  },
  deleteNetwork: (_: unknown, args: Args, ctx: NetworksContext) => {
    const local = ownLocalId(args.id, "networks", ctx.partner);
    return write(ctx, "deleteNetwork", args, (tx) => writes.deleteNetworkWrite(tx, ctx.partner.id, local));
  },
  addEvent: async (_: unknown, args: Args, ctx: NetworksContext) => {
    const local = networkId(ctx, args);
    const input = parseArg(eventInput, args.input, "input");
    const result = await write(ctx, "addEvent", args, (tx) => writes.addEvent(tx, ctx.partner.id, local, input));
    const row = await network(ctx, result);
    return { network: row, event: (await ctx.loaders.events.load(local)).find((e) => e.id === result.eventId) };
  },
  joinNetwork: (_: unknown, args: Args, ctx: NetworksContext) => {
    const local = networkId(ctx, args);
    const input = parseArg(joinNetworkInput, args.input, "input");
    return write(ctx, "joinNetwork", args, (tx, user) => writes.joinNetwork(tx, ctx.partner.id, local, user, input), selfService(ctx.caller)).then(answer(ctx));
  },
  leaveNetwork: (_: unknown, args: Args, ctx: NetworksContext) => {
    const local = networkId(ctx, args);
    return write(ctx, "leaveNetwork", args, (tx, user) => writes.leaveNetwork(tx, ctx.partner.id, local, user), selfService(ctx.caller)).then(answer(ctx));
  },
};

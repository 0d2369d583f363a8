// The networks partner's writes, each inside runWrite's transaction (subgraphs/shared/writes.ts):
// the row changes, tombstone bookkeeping, and the changes the audit log records. A write to a part
// of a network (event, member) bumps the network's updatedAt: that checks it exists, locks its row
// until the transaction ends, and tells the change feed (which carries members) it changed.
import type { Prisma } from "../generated/prisma/client.ts";
import { formatId } from "../../../schema/ids.ts";
import type { UserIdentity } from "../../../lib/auth/identity.ts";
import { notFound } from "../../shared/mutation-args.ts";
import type { WriteOutcome } from "../../shared/writes.ts";
import { creation, deletion, rowUpdate } from "../../shared/item-writes.ts";
import type { CreateNetworkInput, EventInput, JoinNetworkInput } from "../inputs.ts";
import { removeNetwork } from "./networks.ts";

type Tx = Prisma.TransactionClient;

/** What a networks mutation stores as its result (plain JSON: ids) and answers again to a retry. */
export interface NetworkResult {
  /** Global id of the network. */
  id: string;
  eventId?: string;
}

const gid = (partnerId: string, local: string) => formatId(partnerId, "networks", local);

/** The member row's columns that name the user: all three parts of who they are (lib/auth/identity.ts). */
const memberUser = (user: UserIdentity) => ({
  userIssuer: user.issuer,
  userOrganisation: user.organisation,
  userId: user.user,
});

async function touch(tx: Tx, partnerId: string, local: string): Promise<void> {
  const { count } = await tx.network.updateMany({ where: { local }, data: { updatedAt: new Date() } });
  if (count === 0) throw notFound("network", gid(partnerId, local));
}

/**
 * Locks the network's row until the transaction ends, without changing it: two joins by the same user
 * (with different keys) queue here, so the second sees the first's member row instead of failing on
 * the unique (network, user) index.
 */
async function lock(tx: Tx, partnerId: string, local: string): Promise<void> {
  const rows = await tx.$queryRawUnsafe<unknown[]>(
    `SELECT "local" FROM "Network" WHERE "local" = $1 FOR UPDATE`,
    local,
  );
  if (rows.length === 0) throw notFound("network", gid(partnerId, local));
}

function columns(input: Partial<CreateNetworkInput>): Prisma.NetworkUncheckedUpdateManyInput {
  const { region, ...rest } = input;
  return { ...rest, ...(region !== undefined ? { regionId: region } : {}) };
}

export function createNetwork(
  tx: Tx,
  partnerId: string,
  input: CreateNetworkInput,
): Promise<WriteOutcome<NetworkResult>> {
  const data = columns(input) as Prisma.NetworkUncheckedCreateInput;
  return creation(
    "networks",
    partnerId,
    input.title,
    (local) => tx.network.create({ data: { ...data, local } }),
    input,
  );
}

export const updateNetwork = rowUpdate("networks", (tx: Tx) => tx.network, columns);

export function deleteNetworkWrite(tx: Tx, partnerId: string, local: string): Promise<WriteOutcome<NetworkResult>> {
  return deletion("networks", "network", partnerId, local, () => removeNetwork(tx, local));
}

export async function addEvent(
  tx: Tx,
  partnerId: string,
  local: string,
  input: EventInput,
): Promise<WriteOutcome<NetworkResult>> {
  await touch(tx, partnerId, local);
  const event = await tx.event.create({
    data: {
      networkLocal: local,
      title: input.title,
      description: input.description ?? null,
      startsAt: new Date(input.startsAt),
      endsAt: input.endsAt ? new Date(input.endsAt) : null,
      format: input.format,
      location: input.location ?? null,
      attendance: input.attendance ?? null,
    },
  });
  const id = gid(partnerId, local);
  return { result: { id, eventId: event.id }, item: id, changes: { events: { added: { id: event.id, ...input } } } };
}

/**
 * Adds the caller as a member, for their own organisation. A second join changes nothing (the
 * (network, user) pair is unique): the audit log records the call with `alreadyMember`.
 */
export async function joinNetwork(
  tx: Tx,
  partnerId: string,
  local: string,
  user: UserIdentity,
  input: JoinNetworkInput,
): Promise<WriteOutcome<NetworkResult>> {
  const id = gid(partnerId, local);
  await lock(tx, partnerId, local);
  const existing = await tx.member.findFirst({
    where: { networkLocal: local, ...memberUser(user) },
    select: { id: true },
  });
  if (existing) return { result: { id }, item: id, changes: { members: { alreadyMember: user.user } } };
  await touch(tx, partnerId, local);
  const last = await tx.member.aggregate({ where: { networkLocal: local }, _max: { position: true } });
  const member = {
    name: input.name,
    role: input.role ?? null,
    expertise: input.expertise,
    offersCoaching: input.offersCoaching ?? false,
    offersDataAnalysis: input.offersDataAnalysis ?? false,
  };
  await tx.member.create({
    data: {
      ...member,
      networkLocal: local,
      position: (last._max.position ?? -1) + 1,
      ...memberUser(user),
      organisationId: user.organisation,
    },
  });
  return {
    result: { id },
    item: id,
    changes: {
      members: { joined: { userId: user.user, issuer: user.issuer, organisation: user.organisation, ...member } },
    },
  };
}

/**
 * Removes the caller's own membership (all three parts must match: another organisation's user with
 * the same subject is not the member); not being a member is not an error (the outcome is the same).
 */
export async function leaveNetwork(
  tx: Tx,
  partnerId: string,
  local: string,
  user: UserIdentity,
): Promise<WriteOutcome<NetworkResult>> {
  const id = gid(partnerId, local);
  await lock(tx, partnerId, local);
  const { count } = await tx.member.deleteMany({ where: { networkLocal: local, ...memberUser(user) } });
  if (count > 0) await touch(tx, partnerId, local);
  return {
    result: { id },
    item: id,
    changes: { members: count > 0 ? { left: user.user } : { notAMember: user.user } },
  };
}

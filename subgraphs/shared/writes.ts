// Every mutation of every partner kind runs through runWrite: it checks the caller may write for
// this partner, claims the idempotency key, does the work, appends the audit entry and stores the
// result, all in ONE transaction. So a failed write changes nothing (the key is released with it),
// and a retry with the same key returns the first result without writing again. Concurrent retries
// queue on the key's primary key: the second INSERT waits for the first transaction and then finds
// its receipt. Users are (issuer, organisation, subject) everywhere here: receipts, team checks and
// the audit row (lib/auth/identity.ts).
import { createHash } from "node:crypto";
import { GraphQLError } from "graphql";
import { z } from "zod";
import { canWriteFor, describe, sameUser, userKey, type UserIdentity, type UserRef } from "../../lib/auth/identity.ts";
import { badInput, ErrorCode } from "../../lib/errors.ts";
import type { Partner } from "../../lib/registry/registry.ts";
import type { Caller } from "./caller.ts";

/** The part of any kind's Prisma client (or transaction) that writes use. */
export interface RawTx {
  $queryRawUnsafe<T = unknown>(sql: string, ...params: unknown[]): Promise<T>;
  $executeRawUnsafe(sql: string, ...params: unknown[]): Promise<number>;
}
export interface TxClient<Tx extends RawTx> {
  $transaction<R>(fn: (tx: Tx) => Promise<R>, options?: { maxWait?: number; timeout?: number }): Promise<R>;
}

export const idempotencyKey = z
  .string()
  .min(8, "must be at least 8 characters")
  .max(128, "must be at most 128 characters")
  .regex(/^[A-Za-z0-9._:-]+$/, "may contain letters, digits and . _ : - only");

export interface WriteRequest {
  caller: Caller;
  partner: Partner;
  mutation: string;
  idempotencyKey: string;
  /** The validated arguments: a retry must send the same ones. */
  args: unknown;
}

export interface WriteOutcome<R> {
  /** What the mutation answers; stored as JSON and returned again to a retry. */
  result: R;
  /** Global id of the item written. */
  item: string;
  /** What changed, for the audit log (field -> new value, or before/after). */
  changes: unknown;
}

/** Only callers signed by the gateway, of the partner's organisation with a writer role, or of the item's team. */
export function requireWriter(caller: Caller, partner: Partner, team: readonly UserRef[] = []): UserIdentity {
  // The catalogue's signature is not the gateway's: it never writes (lib/auth/catalogue-scope.ts).
  if (!caller.signed || caller.by !== "gateway") {
    throw new GraphQLError("Writes must come through the national gateway (no valid gateway signature)", {
      extensions: { code: ErrorCode.UNAUTHENTICATED },
    });
  }
  const identity = caller.identity;
  if (identity.kind !== "user") {
    throw new GraphQLError("Sign in to write: send an Authorization: Bearer token", {
      extensions: { code: ErrorCode.UNAUTHENTICATED },
    });
  }
  if (canWriteFor(identity, partner.organisation) || team.some((member) => sameUser(member, identity))) return identity;
  throw new GraphQLError(
    `Only editors of ${partner.organisation} (or the item's team) may write to partner ${partner.id}`,
    {
      extensions: { code: ErrorCode.FORBIDDEN, partner: partner.id },
    },
  );
}

function requestHash(mutation: string, args: unknown): string {
  return createHash("sha256").update(mutation).update("\u0000").update(canonicalJson(args)).digest("base64url");
}

/** JSON with sorted keys, so the same arguments hash the same whatever their order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object" && !(value instanceof Date)) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

// PGlite serves one transaction at a time: a burst of writes queues for the connection, so the wait
// for it is long; the work itself is short.
const TX_OPTIONS = { maxWait: 60_000, timeout: 20_000 };

export async function runWrite<Tx extends RawTx, R>(
  prisma: TxClient<Tx>,
  request: WriteRequest,
  work: (tx: Tx, identity: UserIdentity) => Promise<WriteOutcome<R>>,
  authorise: (tx: Tx) => Promise<UserIdentity> = async () => requireWriter(request.caller, request.partner),
): Promise<R> {
  const key = idempotencyKey.safeParse(request.idempotencyKey);
  if (!key.success) throw badInput(`Invalid idempotencyKey: ${key.error.issues[0]!.message}`, ["idempotencyKey"]);
  // Checked before the transaction too, so an anonymous burst costs no connection.
  if (!request.caller.signed || request.caller.by !== "gateway" || request.caller.identity.kind !== "user")
    requireWriter(request.caller, request.partner);
  const hash = requestHash(request.mutation, request.args);
  return prisma.$transaction(async (tx) => {
    const identity = await authorise(tx);
    // Keys are per user, the whole (issuer, organisation, subject): two users may pick the same key
    // without seeing each other's results, even when their tokens say the same `sub`.
    const receiptKey = `u2:${userKey(identity)}${key.data}`;
    // Receipts written before identities had an issuer and organisation were keyed by subject alone
    // (`<length>:<sub>:<key>`). Nobody can be matched to one any more, so such a key is refused
    // rather than run a second time: a retry across the upgrade does not write twice.
    const legacyKey = `${identity.user.length}:${identity.user}:${key.data}`;
    const claimed = await tx.$queryRawUnsafe<{ key: string }[]>(
      `INSERT INTO "WriteReceipt" ("key", "mutation", "requestHash")
       SELECT $1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM "WriteReceipt" WHERE "key" = $4)
       ON CONFLICT ("key") DO NOTHING RETURNING "key"`,
      receiptKey,
      request.mutation,
      hash,
      legacyKey,
    );
    if (claimed.length === 0) {
      const [first] = await tx.$queryRawUnsafe<{ mutation: string; requestHash: string; result: unknown }[]>(
        `SELECT "mutation", "requestHash", "result" FROM "WriteReceipt" WHERE "key" = $1`,
        receiptKey,
      );
      if (!first || first.requestHash !== hash) {
        const what = !first
          ? "write before this partner's upgrade"
          : first.mutation === request.mutation
            ? "request"
            : `mutation (${first.mutation})`;
        throw new GraphQLError(
          `idempotencyKey "${key.data}" was already used for a different ${what}: use a new key for a new write`,
          {
            extensions: { code: ErrorCode.IDEMPOTENCY_KEY_REUSED, argumentPath: ["idempotencyKey"] },
          },
        );
      }
      return first.result as R;
    }
    const outcome = await work(tx, identity);
    await tx.$executeRawUnsafe(
      `INSERT INTO "AuditEntry" ("actor", "issuer", "organisation", "subject", "mutation", "item", "changes", "idempotencyKey") VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8)`,
      describe(identity),
      identity.issuer,
      identity.organisation,
      identity.user,
      request.mutation,
      outcome.item,
      JSON.stringify(outcome.changes ?? {}),
      key.data,
    );
    await tx.$executeRawUnsafe(
      `UPDATE "WriteReceipt" SET "result" = $2::jsonb WHERE "key" = $1`,
      receiptKey,
      JSON.stringify(outcome.result),
    );
    return outcome.result;
  }, TX_OPTIONS);
}

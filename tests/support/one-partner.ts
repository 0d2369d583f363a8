// One partner service alone, listening on a free port and called over HTTP as the gateway calls it
// (an x-catalogue-identity header signed with the gateway's key): the harness of the tests that
// exercise one kind's writes and limits without the rest of the system.
import { createPrivateKey, createPublicKey } from "node:crypto";
import { expect } from "vitest";
import { pino } from "pino";
import { DEFAULT_REGISTRY_FILE, loadRegistry } from "../../lib/registry/registry.ts";
import {
  buildService,
  startService,
  type BuiltService,
  type ServiceDefinition,
} from "../../subgraphs/shared/service.ts";
import type { RunningServer } from "../../lib/http-server.ts";
import type { Store } from "../../lib/db/open.ts";
import type { Config } from "../../lib/config.ts";
import type { DevKeys } from "../../lib/auth/keys.ts";
import { generateDevKeys } from "../../lib/auth/keys.ts";
import { IDENTITY_HEADER, IdentitySigner, IdentityVerifier } from "../../lib/auth/internal-tokens.ts";
import type { Identity } from "../../lib/auth/identity.ts";

export interface OnePartnerOptions {
  /** The registry id of the partner to serve (schema/partners.json). */
  partner: string;
  /** The keys whose gateway key the partner trusts. */
  keys: DevKeys;
  /** Default: the embedded store. */
  store?: Store;
  maxBodyBytes?: number;
  limits?: Partial<Config>;
}

/** Builds and starts the partner, seeded, trusting `keys`' gateway signature, unsigned calls read-only. */
export async function startOnePartner<C extends { $disconnect(): Promise<void> }, Ctx extends object>(
  def: ServiceDefinition<C, Ctx>,
  options: OnePartnerOptions,
): Promise<RunningServer & BuiltService<C, Ctx>> {
  const registry = loadRegistry(DEFAULT_REGISTRY_FILE, "http://127.0.0.1:{port}/graphql");
  const built = await buildService(def, {
    partner: registry.get(options.partner)!,
    store: options.store ?? { kind: "embedded" },
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" }),
    seed: true,
    registry: () => registry,
    partnerTimeoutMs: 2000,
    harvestIntervalMs: 3_600_000,
    auth: {
      verifier: new IdentityVerifier(createPublicKey(options.keys.verifyKey), options.partner),
      unsigned: "read-only",
    },
    limits: options.limits,
  });
  return startService(built, { port: 0, host: "127.0.0.1", maxBodyBytes: options.maxBodyBytes ?? 262_144 });
}

/**
 * GraphQL calls to one partner as each of `who` (signed by the gateway's key), unsigned, or with a
 * forged signature (another key) of `who.editor`.
 */
export function signedCalls<Who extends Record<string, Identity> & { editor: Identity }>(
  partnerId: string,
  keys: DevKeys,
  who: Who,
  url: () => string,
) {
  const signer = new IdentitySigner(createPrivateKey(keys.signingKey));
  const forger = new IdentitySigner(createPrivateKey(generateDevKeys().signingKey));
  type As = keyof Who | "unsigned" | "forged";
  async function gql(as: As, query: string, variables: Record<string, unknown> = {}): Promise<any> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (as === "forged") headers[IDENTITY_HEADER] = await forger.sign(who.editor, partnerId);
    else if (as !== "unsigned") headers[IDENTITY_HEADER] = await signer.sign(who[as]!, partnerId);
    const res = await fetch(url(), { method: "POST", headers, body: JSON.stringify({ query, variables }) });
    expect(res.status).toBe(200);
    return res.json();
  }
  async function ok(as: As, query: string, variables: Record<string, unknown> = {}): Promise<any> {
    const body = await gql(as, query, variables);
    expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
    return body.data;
  }
  return { gql, ok };
}

export const codeOf = (body: any) => body.errors?.[0]?.extensions?.code;

/** Every row of every table, as a digest per table: equal snapshots mean nothing was written. */
export async function tableSnapshot(
  prisma: { $queryRawUnsafe<T>(sql: string): Promise<T> },
  tables: readonly string[],
): Promise<Record<string, string>> {
  const sql = `SELECT ${tables.map((t) => `(SELECT count(*) || ':' || md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), '')) FROM "${t}" r) AS "${t}"`).join(", ")}`;
  const [row] = await prisma.$queryRawUnsafe<Record<string, string>[]>(sql);
  return row!;
}

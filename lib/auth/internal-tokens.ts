// The identity the gateway forwards to a partner: a short-lived JWT signed with the gateway's
// Ed25519 key, for one audience (the partner's id), so a partner can tell a request came through
// the gateway and that it was meant for it. A captured forward is worthless to any other partner
// and expires in a minute. Signatures are cached per (identity, partner) for half their life: one
// sign per user per partner per 30 s instead of one per fetch.
import { jwtVerify, SignJWT } from "jose";
import type { KeyObject } from "node:crypto";
import { z } from "zod";
import { ROLES } from "../../schema/roles.ts";
import type { Identity } from "./identity.ts";

/** The header that carries the forward. */
export const IDENTITY_HEADER = "x-catalogue-identity";
const ISSUER = "national-catalogue-gateway";
const LIFETIME_S = 60;

const forwarded = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("user"), user: z.string().min(1), organisation: z.string().min(1), roles: z.array(z.enum(ROLES)) }),
  z.object({ kind: z.literal("anonymous") }),
  z.object({ kind: z.literal("service"), service: z.string().min(1) }),
]);

export class IdentitySigner {
  private readonly cache = new Map<string, { token: string; renewAt: number }>();

  constructor(private readonly key: KeyObject) {}

  async sign(identity: Identity, partnerId: string): Promise<string> {
    const cacheKey = `${partnerId}\u0000${JSON.stringify(identity)}`;
    const now = Date.now();
    const hit = this.cache.get(cacheKey);
    if (hit && hit.renewAt > now) return hit.token;
    const token = await new SignJWT({ identity })
      .setProtectedHeader({ alg: "EdDSA" })
      .setIssuer(ISSUER)
      .setAudience(partnerId)
      .setIssuedAt()
      .setExpirationTime(`${LIFETIME_S}s`)
      .sign(this.key);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(cacheKey, { token, renewAt: now + (LIFETIME_S * 1000) / 2 });
    return token;
  }

  async headers(identity: Identity, partnerId: string): Promise<Record<string, string>> {
    return { [IDENTITY_HEADER]: await this.sign(identity, partnerId) };
  }
}

export type ForwardCheck = { signed: true; identity: Identity } | { signed: false; reason: string };

/** Verified forwards remembered at most (a token per identity per partner per 30 s: a few per user). */
const MAX_VERIFIED = 10_000;

export class IdentityVerifier {
  /**
   * Forwards already verified, by token, until they expire. Why: the gateway sends the same token
   * for 30 s (IdentitySigner's cache), and verifying its signature again on every request cost more
   * than serving a small read (scripts/bench/gateway, scenario a). A token's signature, issuer and
   * audience cannot change; its expiry is checked on every use.
   */
  private readonly verified = new Map<string, { identity: Identity; expiresAt: number }>();

  constructor(
    private readonly key: KeyObject,
    private readonly partnerId: string,
  ) {}

  async check(header: string | string[] | undefined): Promise<ForwardCheck> {
    if (typeof header !== "string" || header === "") return { signed: false, reason: "no gateway signature" };
    const known = this.verified.get(header);
    if (known) {
      if (known.expiresAt > Date.now()) return { signed: true, identity: known.identity };
      this.verified.delete(header);
    }
    try {
      const { payload } = await jwtVerify(header, this.key, { issuer: ISSUER, audience: this.partnerId, algorithms: ["EdDSA"] });
      const parsed = forwarded.safeParse(payload.identity);
      if (!parsed.success) return { signed: false, reason: "malformed forwarded identity" };
      if (typeof payload.exp === "number") {
        if (this.verified.size >= MAX_VERIFIED) this.verified.clear();
        this.verified.set(header, { identity: parsed.data as Identity, expiresAt: payload.exp * 1000 });
      }
      return { signed: true, identity: parsed.data as Identity };
    } catch (e) {
      return { signed: false, reason: `gateway signature refused (${(e as { code?: string }).code ?? "invalid"})` };
    }
  }
}


// The identity the gateway forwards to a partner: a short-lived JWT signed with the gateway's
// Ed25519 key, for one audience (the partner's id), so a partner can tell a request came through
// the gateway and that it was meant for it. A captured forward is worthless to any other partner
// and expires in a minute. Signatures are cached per (identity, partner) for half their life: one
// sign per user per partner per 15 s instead of one per fetch.
//
// The national catalogue signs its own calls (harvest, schema checks) the same way with its OWN key
// and issuer: a partner knows which of the two signed, accepts only a service identity from the
// catalogue, and serves it only what the catalogue does (lib/auth/catalogue-scope.ts).
import { decodeJwt, jwtVerify, SignJWT } from "jose";
import type { KeyObject } from "node:crypto";
import { z } from "zod";
import { ROLES } from "../../schema/roles.ts";
import type { Identity, ServiceIdentity } from "./identity.ts";

/** The header that carries the forward. */
export const IDENTITY_HEADER = "x-catalogue-identity";
/** Who signs forwards: the gateway (any caller's identity) or the national catalogue (its own calls). */
export type ForwardSigner = "gateway" | "catalogue";
export const FORWARD_ISSUERS: Record<ForwardSigner, string> = {
  gateway: "national-catalogue-gateway",
  catalogue: "national-catalogue-harvester",
};
/** The service identity the gateway signs its "harvest now" requests to the catalogue with, after a write. */
export const HARVEST_NUDGE: ServiceIdentity = { kind: "service", service: "gateway-write-nudge" };
/** A forward's lifetime. Partners refuse one without `exp` and `iat`, or that claims to live longer. */
export const FORWARD_LIFETIME_S = 60;
/** Clock difference tolerated between the gateway (or catalogue) and a partner for forwards, seconds. */
export const FORWARD_CLOCK_SKEW_S = 5;

const forwarded = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("user"),
    issuer: z.string().min(1),
    organisation: z.string().min(1),
    user: z.string().min(1),
    roles: z.array(z.enum(ROLES)),
  }),
  z.object({ kind: z.literal("anonymous") }),
  z.object({ kind: z.literal("service"), service: z.string().min(1) }),
]);

export class IdentitySigner {
  private readonly cache = new Map<string, { token: string; renewAt: number }>();
  private readonly issuer: string;

  constructor(
    private readonly key: KeyObject,
    /** Default gateway: the catalogue's signer says "catalogue". */
    readonly signer: ForwardSigner = "gateway",
  ) {
    this.issuer = FORWARD_ISSUERS[signer];
  }

  async sign(identity: Identity, partnerId: string): Promise<string> {
    const cacheKey = `${partnerId}\u0000${JSON.stringify(identity)}`;
    const now = Date.now();
    const hit = this.cache.get(cacheKey);
    if (hit && hit.renewAt > now) return hit.token;
    const token = await new SignJWT({ identity })
      .setProtectedHeader({ alg: "EdDSA" })
      .setIssuer(this.issuer)
      .setAudience(partnerId)
      .setIssuedAt()
      .setExpirationTime(`${FORWARD_LIFETIME_S}s`)
      .sign(this.key);
    if (this.cache.size > 10_000) this.cache.clear();
    // Renewed after a quarter of its life: a forward is at most 15 s old when sent and the write
    // deadline is 15 s, so even one that waits its whole deadline for a socket arrives with half its
    // life left on a loaded machine.
    this.cache.set(cacheKey, { token, renewAt: now + (FORWARD_LIFETIME_S * 1000) / 4 });
    return token;
  }

  async headers(identity: Identity, partnerId: string): Promise<Record<string, string>> {
    return { [IDENTITY_HEADER]: await this.sign(identity, partnerId) };
  }
}

export type ForwardCheck = { signed: true; identity: Identity; by: ForwardSigner } | { signed: false; reason: string };

/** Verified forwards remembered at most (a token per identity per partner per 15 s: a few per user). */
const MAX_VERIFIED = 10_000;

export interface VerifierKeys {
  /** The gateway's public key: forwards of any caller. */
  gateway: KeyObject;
  /** The catalogue's public key: its own service calls only. Without it, nothing the catalogue signs is accepted. */
  catalogue?: KeyObject;
}

export class IdentityVerifier {
  /**
   * Forwards already verified, by token, until they expire. Why: the gateway sends the same token
   * for 15 s (IdentitySigner's cache), and verifying its signature again on every request cost more
   * than serving a small read (scripts/bench/gateway, scenario a). A token's signature, issuer and
   * audience cannot change; its expiry is checked on every use.
   */
  private readonly verified = new Map<string, { identity: Identity; by: ForwardSigner; expiresAt: number }>();
  private readonly keys: VerifierKeys;

  constructor(
    keys: VerifierKeys | KeyObject,
    private readonly partnerId: string,
    /**
     * Clock difference tolerated with the signer, seconds. Default 5: the gateway and partners keep
     * NTP time, and a forward is meant to live 60 s, not the minute more user tokens are allowed.
     */
    private readonly clockSkewS = FORWARD_CLOCK_SKEW_S,
  ) {
    this.keys = "gateway" in keys ? keys : { gateway: keys };
  }

  async check(header: string | string[] | undefined): Promise<ForwardCheck> {
    if (typeof header !== "string" || header === "") return { signed: false, reason: "no gateway signature" };
    const known = this.verified.get(header);
    if (known) {
      if (known.expiresAt > Date.now()) return { signed: true, identity: known.identity, by: known.by };
      this.verified.delete(header);
    }
    let by: ForwardSigner;
    try {
      // Unverified, only to pick the key: the signature is then checked with that key and issuer.
      const iss = decodeJwt(header).iss;
      by = iss === FORWARD_ISSUERS.catalogue ? "catalogue" : "gateway";
    } catch {
      return { signed: false, reason: "gateway signature refused (malformed)" };
    }
    const key = by === "catalogue" ? this.keys.catalogue : this.keys.gateway;
    if (!key) return { signed: false, reason: "catalogue signature refused (this partner has no catalogue key)" };
    try {
      const { payload } = await jwtVerify(header, key, {
        issuer: FORWARD_ISSUERS[by],
        audience: this.partnerId,
        algorithms: ["EdDSA"],
        // A forward without an expiry would be good forever once captured; one "issued" in the
        // future, or meant to live longer than a forward does, is not one the gateway made.
        requiredClaims: ["exp", "iat"],
        maxTokenAge: FORWARD_LIFETIME_S + this.clockSkewS,
        clockTolerance: this.clockSkewS,
      });
      if ((payload.exp as number) - (payload.iat as number) > FORWARD_LIFETIME_S)
        return { signed: false, reason: "gateway signature refused (lifetime)" };
      const parsed = forwarded.safeParse(payload.identity);
      if (!parsed.success) return { signed: false, reason: "malformed forwarded identity" };
      const identity = parsed.data as Identity;
      // The catalogue speaks for itself only: it cannot pass on a user's (or anyone's) identity.
      if (by === "catalogue" && identity.kind !== "service")
        return { signed: false, reason: "catalogue signature refused (not a service identity)" };
      if (this.verified.size >= MAX_VERIFIED) this.verified.clear();
      this.verified.set(header, { identity, by, expiresAt: ((payload.exp as number) + this.clockSkewS) * 1000 });
      return { signed: true, identity, by };
    } catch (e) {
      return { signed: false, reason: `${by} signature refused (${(e as { code?: string }).code ?? "invalid"})` };
    }
  }
}

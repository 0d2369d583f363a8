// User tokens (what the gateway accepts) and the gateway's signed forwards (what a partner accepts).
import { describe, expect, it, vi } from "vitest";
import { createPrivateKey, createPublicKey, createSecretKey } from "node:crypto";
import { userTokenVerifier, TokenError } from "../../../lib/auth/user-tokens.ts";
import { issueToken } from "../../../lib/auth/dev-tokens.ts";
import { generateDevKeys, loadDevKeys } from "../../../lib/auth/keys.ts";
import { FORWARD_ISSUERS, IdentitySigner, IdentityVerifier } from "../../../lib/auth/internal-tokens.ts";
import { SignJWT } from "jose";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const keys = generateDevKeys();
const verifier = userTokenVerifier(
  { kind: "secret", key: createSecretKey(Buffer.from(keys.authSecret)) },
  { audience: "aud-1", issuer: "idp" },
);
const token = (
  claims: Partial<{ user: string; organisation: string; roles: any[] }> = {},
  o: Partial<{ audience: string; issuer: string; expiresIn: number | string; secret: string }> = {},
) =>
  issueToken(
    { user: "u1", organisation: "essex-cc", roles: ["editor"], ...claims },
    {
      secret: o.secret ?? keys.authSecret,
      audience: o.audience ?? "aud-1",
      issuer: o.issuer ?? "idp",
      expiresIn: o.expiresIn ?? "5m",
    },
  );
const reason = async (authorization: string) => {
  try {
    await verifier.verify(authorization);
    return "accepted";
  } catch (e) {
    return (e as TokenError).reason;
  }
};

describe("user tokens", () => {
  it("accepts a good token and reads user, organisation and roles", async () => {
    expect(await verifier.verify(`Bearer ${await token()}`)).toEqual({
      kind: "user",
      issuer: "idp",
      user: "u1",
      organisation: "essex-cc",
      roles: ["editor"],
    });
  });
  it("no header is no identity (anonymous), not an error", async () => {
    expect(await verifier.verify(undefined)).toBeUndefined();
  });
  it("refuses each kind of bad token, saying which", async () => {
    // Expired beyond the tolerated clock skew (60 s by default).
    expect(await reason(`Bearer ${await token({}, { expiresIn: -120 })}`)).toBe("expired");
    expect(await reason(`Bearer ${await token({}, { secret: "another-secret-another-secret-000" })}`)).toBe(
      "signature",
    );
    expect(await reason(`Bearer ${await token({}, { audience: "aud-2" })}`)).toBe("audience");
    expect(await reason(`Bearer ${await token({}, { issuer: "evil" })}`)).toBe("issuer");
    expect(await reason(`Bearer ${await token({ organisation: "acme-ltd" })}`)).toBe("claims");
    expect(await reason(`Bearer ${await token({ roles: ["superuser"] })}`)).toBe("claims");
    expect(await reason("Basic dXNlcjpwYXNz")).toBe("malformed");
    expect(await reason("Bearer not.a.jwt")).toBe("malformed");
  });
  // A token signed with the right secret but claims of our choosing (what a careless issuer might mint).
  const raw = (claims: Record<string, unknown>) =>
    new SignJWT({ org: "essex-cc", roles: ["editor"], sub: "u1", aud: "aud-1", iss: "idp", ...claims })
      .setProtectedHeader({ alg: "HS256" })
      .sign(createSecretKey(Buffer.from(keys.authSecret)));
  const now = () => Math.floor(Date.now() / 1000);

  it("refuses a token without an expiry, saying so", async () => {
    await expect(verifier.verify(`Bearer ${await raw({ iat: now() })}`)).rejects.toMatchObject({
      reason: "claims",
      message: "The token must carry an expiry (exp)",
    });
  });
  it("refuses a token that lives longer than the maximum lifetime (12 h by default), and accepts one within it", async () => {
    expect(await reason(`Bearer ${await raw({ iat: now(), exp: now() + 13 * 3600 })}`)).toBe("lifetime");
    // Without iat the lifetime counts from now.
    expect(await reason(`Bearer ${await raw({ exp: now() + 13 * 3600 })}`)).toBe("lifetime");
    expect(await reason(`Bearer ${await raw({ iat: now(), exp: now() + 11 * 3600 })}`)).toBe("accepted");
    const short = userTokenVerifier(
      { kind: "secret", key: createSecretKey(Buffer.from(keys.authSecret)) },
      { audience: "aud-1", maxLifetimeS: 600 },
    );
    await expect(short.verify(`Bearer ${await token({}, { expiresIn: "1h" })}`)).rejects.toMatchObject({
      reason: "lifetime",
    });
  });
  it("refuses a token issued in the future beyond the clock skew, and tolerates a little", async () => {
    expect(await reason(`Bearer ${await raw({ iat: now() + 600, exp: now() + 3600 })}`)).toBe("future");
    expect(await reason(`Bearer ${await raw({ iat: now() + 20, exp: now() + 3600 })}`)).toBe("accepted");
  });
  it("refuses a token without an issuer, even where no issuer is configured", async () => {
    const anyIssuer = userTokenVerifier(
      { kind: "secret", key: createSecretKey(Buffer.from(keys.authSecret)) },
      { audience: "aud-1" },
    );
    await expect(anyIssuer.verify(`Bearer ${await raw({ iss: undefined, exp: now() + 60 })}`)).rejects.toMatchObject({
      reason: "claims",
    });
    expect(await anyIssuer.verify(`Bearer ${await raw({ iss: "elsewhere", exp: now() + 60 })}`)).toMatchObject({
      issuer: "elsewhere",
      user: "u1",
    });
  });
  it("development tokens carry an expiry and an issuer", async () => {
    const t = await issueToken(
      { user: "u1", organisation: "essex-cc", roles: ["editor"] },
      { secret: keys.authSecret, audience: "aud-1" },
    );
    const payload = JSON.parse(Buffer.from(t.split(".")[1]!, "base64url").toString());
    expect(payload.exp - payload.iat).toBe(8 * 3600);
    expect(payload.iss).toBe("dev-tokens");
  });

  it("refuses an unsigned (alg: none) token", async () => {
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const none = `${b64({ alg: "none" })}.${b64({ sub: "u1", org: "essex-cc", roles: ["admin"], aud: "aud-1", iss: "idp", exp: 9999999999 })}.`;
    expect(await reason(`Bearer ${none}`)).not.toBe("accepted");
  });
});

describe("gateway forwards", () => {
  const signer = new IdentitySigner(createPrivateKey(keys.signingKey));
  const identity = {
    kind: "user" as const,
    issuer: "test-idp",
    user: "u1",
    organisation: "essex-cc",
    roles: ["editor" as const],
  };
  it("a partner accepts a forward signed for it", async () => {
    const check = await new IdentityVerifier(createPublicKey(keys.verifyKey), "essex-cc").check(
      await signer.sign(identity, "essex-cc"),
    );
    expect(check).toEqual({ signed: true, identity, by: "gateway" });
  });
  it("a forward for one partner is refused by another", async () => {
    const check = await new IdentityVerifier(createPublicKey(keys.verifyKey), "bridgewater").check(
      await signer.sign(identity, "essex-cc"),
    );
    expect(check.signed).toBe(false);
  });
  it("a forward signed with another key is refused", async () => {
    const other = generateDevKeys();
    const check = await new IdentityVerifier(createPublicKey(keys.verifyKey), "essex-cc").check(
      await new IdentitySigner(createPrivateKey(other.signingKey)).sign(identity, "essex-cc"),
    );
    expect(check.signed).toBe(false);
  });
  it("a forward without an expiry, issued in the future, or living longer than a forward does is refused", async () => {
    const partner = new IdentityVerifier(createPublicKey(keys.verifyKey), "essex-cc");
    const forge = (claims: Record<string, unknown>) =>
      new SignJWT({ identity, iss: FORWARD_ISSUERS.gateway, aud: "essex-cc", ...claims })
        .setProtectedHeader({ alg: "EdDSA" })
        .sign(createPrivateKey(keys.signingKey));
    const t = Math.floor(Date.now() / 1000);
    expect(await partner.check(await forge({ iat: t }))).toMatchObject({ signed: false });
    expect(await partner.check(await forge({ iat: t + 600, exp: t + 630 }))).toMatchObject({ signed: false });
    expect(await partner.check(await forge({ iat: t, exp: t + 3600 }))).toMatchObject({ signed: false });
    expect(await partner.check(await forge({ iat: t, exp: t + 60 }))).toMatchObject({ signed: true });
  });
  it("the catalogue's own key signs service calls only, and is told apart from the gateway's", async () => {
    const verifyKeys = {
      gateway: createPublicKey(keys.verifyKey),
      catalogue: createPublicKey(keys.catalogueVerifyKey),
    };
    const partner = new IdentityVerifier(verifyKeys, "essex-cc");
    const catalogue = new IdentitySigner(createPrivateKey(keys.catalogueSigningKey), "catalogue");
    const harvest = { kind: "service" as const, service: "harvest" };
    expect(await partner.check(await catalogue.sign(harvest, "essex-cc"))).toEqual({
      signed: true,
      identity: harvest,
      by: "catalogue",
    });
    // It cannot speak for a user, nor pass for the gateway, nor be accepted by a partner without its key.
    expect(await partner.check(await catalogue.sign(identity, "essex-cc"))).toMatchObject({ signed: false });
    const asGateway = await new IdentitySigner(createPrivateKey(keys.catalogueSigningKey)).sign(identity, "essex-cc");
    expect(await partner.check(asGateway)).toMatchObject({ signed: false });
    expect(
      await new IdentityVerifier(createPublicKey(keys.verifyKey), "essex-cc").check(
        await catalogue.sign(harvest, "essex-cc"),
      ),
    ).toMatchObject({ signed: false });
  });
  it("no header is unsigned", async () => {
    expect(await new IdentityVerifier(createPublicKey(keys.verifyKey), "essex-cc").check(undefined)).toMatchObject({
      signed: false,
    });
  });
  it("a forward verified once is accepted again until it expires, and refused after (the verifier remembers it)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const partner = new IdentityVerifier(createPublicKey(keys.verifyKey), "essex-cc");
      const forward = await new IdentitySigner(createPrivateKey(keys.signingKey)).sign(identity, "essex-cc");
      expect(await partner.check(forward)).toEqual({ signed: true, identity, by: "gateway" });
      vi.advanceTimersByTime(59_000);
      expect(await partner.check(forward)).toEqual({ signed: true, identity, by: "gateway" });
      // Past its 60 s and the 5 s of clock difference tolerated between gateway and partner.
      vi.advanceTimersByTime(7_000);
      expect(await partner.check(forward)).toMatchObject({
        signed: false,
        reason: expect.stringContaining("ERR_JWT_EXPIRED"),
      });
      // A remembered forward for one partner still means nothing to another.
      expect((await new IdentityVerifier(createPublicKey(keys.verifyKey), "bridgewater").check(forward)).signed).toBe(
        false,
      );
      // Nor does a tampered copy of a remembered one.
      const fresh = await new IdentitySigner(createPrivateKey(keys.signingKey)).sign(identity, "essex-cc");
      expect((await partner.check(fresh)).signed).toBe(true);
      // One character of the signature changed (its first: the last ones carry padding bits, so an edit there may decode the same).
      const signatureAt = fresh.lastIndexOf(".") + 1;
      const tampered = `${fresh.slice(0, signatureAt)}${fresh[signatureAt] === "A" ? "B" : "A"}${fresh.slice(signatureAt + 1)}`;
      expect((await partner.check(tampered)).signed).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("development keys", () => {
  it("are created once and then shared by every process using the data directory", () => {
    const dir = mkdtempSync(join(tmpdir(), "dev-keys-"));
    try {
      const first = loadDevKeys(dir);
      expect(loadDevKeys(dir)).toEqual(first);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

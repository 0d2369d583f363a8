// User tokens (what the gateway accepts) and the gateway's signed forwards (what a partner accepts).
import { describe, expect, it, vi } from "vitest";
import { createPrivateKey, createPublicKey, createSecretKey } from "node:crypto";
import { userTokenVerifier, TokenError } from "../../../lib/auth/user-tokens.ts";
import { issueToken } from "../../../lib/auth/dev-tokens.ts";
import { generateDevKeys, loadDevKeys } from "../../../lib/auth/keys.ts";
import { IdentitySigner, IdentityVerifier } from "../../../lib/auth/internal-tokens.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const keys = generateDevKeys();
const verifier = userTokenVerifier({ kind: "secret", key: createSecretKey(Buffer.from(keys.authSecret)) }, { audience: "aud-1", issuer: "idp" });
const token = (claims: Partial<{ user: string; organisation: string; roles: any[] }> = {}, o: Partial<{ audience: string; issuer: string; expiresIn: number | string; secret: string }> = {}) =>
  issueToken(
    { user: "u1", organisation: "essex-cc", roles: ["editor"], ...claims },
    { secret: o.secret ?? keys.authSecret, audience: o.audience ?? "aud-1", issuer: o.issuer ?? "idp", expiresIn: o.expiresIn ?? "5m" },
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
    expect(await verifier.verify(`Bearer ${await token()}`)).toEqual({ kind: "user", user: "u1", organisation: "essex-cc", roles: ["editor"] });
  });
  it("no header is no identity (anonymous), not an error", async () => {
    expect(await verifier.verify(undefined)).toBeUndefined();
  });
  it("refuses each kind of bad token, saying which", async () => {
    expect(await reason(`Bearer ${await token({}, { expiresIn: -10 })}`)).toBe("expired");
    expect(await reason(`Bearer ${await token({}, { secret: "another-secret-another-secret-000" })}`)).toBe("signature");
    expect(await reason(`Bearer ${await token({}, { audience: "aud-2" })}`)).toBe("audience");
    expect(await reason(`Bearer ${await token({}, { issuer: "evil" })}`)).toBe("issuer");
    expect(await reason(`Bearer ${await token({ organisation: "acme-ltd" })}`)).toBe("claims");
    expect(await reason(`Bearer ${await token({ roles: ["superuser"] })}`)).toBe("claims");
    expect(await reason("Basic dXNlcjpwYXNz")).toBe("malformed");
    expect(await reason("Bearer not.a.jwt")).toBe("malformed");
  });
  it("refuses an unsigned (alg: none) token", async () => {
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const none = `${b64({ alg: "none" })}.${b64({ sub: "u1", org: "essex-cc", roles: ["admin"], aud: "aud-1", iss: "idp", exp: 9999999999 })}.`;
    expect(await reason(`Bearer ${none}`)).not.toBe("accepted");
  });
});

describe("gateway forwards", () => {
  const signer = new IdentitySigner(createPrivateKey(keys.signingKey));
  const identity = { kind: "user" as const, user: "u1", organisation: "essex-cc", roles: ["editor" as const] };
  it("a partner accepts a forward signed for it", async () => {
    const check = await new IdentityVerifier(createPublicKey(keys.verifyKey), "essex-cc").check(await signer.sign(identity, "essex-cc"));
    expect(check).toEqual({ signed: true, identity });
  });
  it("a forward for one partner is refused by another", async () => {
    const check = await new IdentityVerifier(createPublicKey(keys.verifyKey), "bridgewater").check(await signer.sign(identity, "essex-cc"));
    expect(check.signed).toBe(false);
  });
  it("a forward signed with another key is refused", async () => {
    const other = generateDevKeys();
    const check = await new IdentityVerifier(createPublicKey(keys.verifyKey), "essex-cc").check(await new IdentitySigner(createPrivateKey(other.signingKey)).sign(identity, "essex-cc"));
    expect(check.signed).toBe(false);
  });
  it("no header is unsigned", async () => {
    expect(await new IdentityVerifier(createPublicKey(keys.verifyKey), "essex-cc").check(undefined)).toMatchObject({ signed: false });
  });
  it("a forward verified once is accepted again until it expires, and refused after (the verifier remembers it)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const partner = new IdentityVerifier(createPublicKey(keys.verifyKey), "essex-cc");
      const forward = await new IdentitySigner(createPrivateKey(keys.signingKey)).sign(identity, "essex-cc");
      expect(await partner.check(forward)).toEqual({ signed: true, identity });
      vi.advanceTimersByTime(59_000);
      expect(await partner.check(forward)).toEqual({ signed: true, identity });
      vi.advanceTimersByTime(2_000);
      expect(await partner.check(forward)).toMatchObject({ signed: false, reason: expect.stringContaining("ERR_JWT_EXPIRED") });
      // A remembered forward for one partner still means nothing to another.
      expect((await new IdentityVerifier(createPublicKey(keys.verifyKey), "bridgewater").check(forward)).signed).toBe(false);
      // Nor does a tampered copy of a remembered one.
      const fresh = await new IdentitySigner(createPrivateKey(keys.signingKey)).sign(identity, "essex-cc");
      expect((await partner.check(fresh)).signed).toBe(true);
      expect((await partner.check(`${fresh.slice(0, -2)}AA`)).signed).toBe(false);
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

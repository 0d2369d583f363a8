// The key material of identity: the secret or public key that verifies user tokens, and the
// gateway's Ed25519 key pair that signs what it forwards to partners (partners hold only the public
// half, so no partner can forge the gateway). Taken from configuration; in development and tests,
// when nothing is configured, from DATA_DIR/dev-keys.json, created on first use so that the demo,
// `npm run token` and every partner process agree. Production refuses to start without real keys.
import { createPublicKey, createPrivateKey, createSecretKey, generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config.ts";

export interface DevKeys {
  authSecret: string;
  signingKey: string;
  verifyKey: string;
}

export function devKeysPath(dataDir: string): string {
  return join(dataDir, "dev-keys.json");
}

export function generateDevKeys(): DevKeys {
  const pair = generateKeyPairSync("ed25519");
  return {
    authSecret: randomBytes(32).toString("base64url"),
    signingKey: pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    verifyKey: pair.publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}

/** Reads DATA_DIR/dev-keys.json, creating it atomically if absent (the first process to link it wins). */
export function loadDevKeys(dataDir: string): DevKeys {
  const path = devKeysPath(dataDir);
  try {
    return JSON.parse(readFileSync(path, "utf8")) as DevKeys;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  mkdirSync(dataDir, { recursive: true });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}`;
  writeFileSync(tmp, JSON.stringify(generateDevKeys(), null, 2), { mode: 0o600 });
  try {
    linkSync(tmp, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  } finally {
    rmSync(tmp, { force: true });
  }
  return JSON.parse(readFileSync(path, "utf8")) as DevKeys;
}

export type IdentityConfig = Pick<
  Config,
  "NODE_ENV" | "DATA_DIR" | "AUTH_JWT_SECRET" | "AUTH_PUBLIC_KEY" | "AUTH_JWKS_URL" | "AUTH_ISSUER" | "AUTH_AUDIENCE" | "GATEWAY_SIGNING_KEY" | "GATEWAY_VERIFY_KEY" | "SUBGRAPH_UNSIGNED"
>;

export class MissingKeyError extends Error {}

function dev(config: IdentityConfig, setting: string): DevKeys {
  if (config.NODE_ENV === "production") throw new MissingKeyError(`${setting}: required when NODE_ENV=production (development keys are refused)`);
  return loadDevKeys(config.DATA_DIR);
}

/** How user tokens are verified: a shared secret (HS256), a public key, or the issuer's JWKS. */
export type UserKeySource = { kind: "secret"; key: KeyObject } | { kind: "public"; key: KeyObject } | { kind: "jwks"; url: string };

export function userKeySource(config: IdentityConfig): UserKeySource {
  if (config.AUTH_JWKS_URL) return { kind: "jwks", url: config.AUTH_JWKS_URL };
  if (config.AUTH_PUBLIC_KEY) return { kind: "public", key: createPublicKey(config.AUTH_PUBLIC_KEY) };
  const secret = config.AUTH_JWT_SECRET ?? dev(config, "AUTH_JWT_SECRET, AUTH_PUBLIC_KEY or AUTH_JWKS_URL").authSecret;
  return { kind: "secret", key: createSecretKey(Buffer.from(secret, "utf8")) };
}

/** The gateway's private signing key (gateway and national catalogue only). */
export function gatewaySigningKey(config: IdentityConfig): KeyObject {
  return createPrivateKey(config.GATEWAY_SIGNING_KEY ?? dev(config, "GATEWAY_SIGNING_KEY").signingKey);
}

/** The public half every partner verifies forwards with. */
export function gatewayVerifyKey(config: IdentityConfig): KeyObject {
  return createPublicKey(config.GATEWAY_VERIFY_KEY ?? dev(config, "GATEWAY_VERIFY_KEY").verifyKey);
}

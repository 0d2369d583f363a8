// The key material of identity: the secret or public key that verifies user tokens, the gateway's
// Ed25519 key pair that signs what it forwards to partners, and the national catalogue's own pair
// that signs its harvest and schema-check calls (partners hold only the public halves, so no partner
// can forge the gateway, and the catalogue cannot pass for the gateway). Taken from configuration;
// in development and tests, when nothing is configured, from DATA_DIR/dev-keys.json and
// DATA_DIR/dev-catalogue-keys.json, each created on first use so that the demo, `npm run token` and
// every partner process agree (two files, so a data directory made before the catalogue had its own
// key keeps its keys and only gains the new pair). Production refuses to start without real keys.
import {
  createPublicKey,
  createPrivateKey,
  createSecretKey,
  generateKeyPairSync,
  randomBytes,
  type KeyObject,
} from "node:crypto";
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config.ts";

interface GatewayDevKeys {
  authSecret: string;
  signingKey: string;
  verifyKey: string;
}

interface CatalogueDevKeys {
  catalogueSigningKey: string;
  catalogueVerifyKey: string;
}

export type DevKeys = GatewayDevKeys & CatalogueDevKeys;

export function devKeysPath(dataDir: string): string {
  return join(dataDir, "dev-keys.json");
}

export function devCatalogueKeysPath(dataDir: string): string {
  return join(dataDir, "dev-catalogue-keys.json");
}

function ed25519Pair(): { privatePem: string; publicPem: string } {
  const pair = generateKeyPairSync("ed25519");
  return {
    privatePem: pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicPem: pair.publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}

function generateGatewayKeys(): GatewayDevKeys {
  const pair = ed25519Pair();
  return { authSecret: randomBytes(32).toString("base64url"), signingKey: pair.privatePem, verifyKey: pair.publicPem };
}

function generateCatalogueKeys(): CatalogueDevKeys {
  const pair = ed25519Pair();
  return { catalogueSigningKey: pair.privatePem, catalogueVerifyKey: pair.publicPem };
}

export function generateDevKeys(): DevKeys {
  return { ...generateGatewayKeys(), ...generateCatalogueKeys() };
}

/** Reads a JSON file, creating it atomically if absent (the first process to link it wins). */
function createOnce<T>(dataDir: string, path: string, make: () => T): T {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  mkdirSync(dataDir, { recursive: true });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}`;
  writeFileSync(tmp, JSON.stringify(make(), null, 2), { mode: 0o600 });
  try {
    linkSync(tmp, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  } finally {
    rmSync(tmp, { force: true });
  }
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

/** The development keys under DATA_DIR, made on first use. */
export function loadDevKeys(dataDir: string): DevKeys {
  return {
    ...createOnce(dataDir, devKeysPath(dataDir), generateGatewayKeys),
    ...createOnce(dataDir, devCatalogueKeysPath(dataDir), generateCatalogueKeys),
  };
}

export type IdentityConfig = Pick<
  Config,
  | "NODE_ENV"
  | "DATA_DIR"
  | "AUTH_JWT_SECRET"
  | "AUTH_PUBLIC_KEY"
  | "AUTH_JWKS_URL"
  | "AUTH_ISSUER"
  | "AUTH_AUDIENCE"
  | "AUTH_MAX_TOKEN_LIFETIME_S"
  | "AUTH_CLOCK_SKEW_S"
  | "GATEWAY_SIGNING_KEY"
  | "GATEWAY_VERIFY_KEY"
  | "CATALOGUE_SIGNING_KEY"
  | "CATALOGUE_VERIFY_KEY"
  | "SUBGRAPH_UNSIGNED"
>;

/** A setting production cannot run without: the service prints the message (one line, naming it) and exits 1. */
export class MissingKeyError extends Error {}

function dev(config: IdentityConfig, setting: string): DevKeys {
  if (config.NODE_ENV === "production")
    throw new MissingKeyError(`${setting}: required when NODE_ENV=production (development keys are refused)`);
  return loadDevKeys(config.DATA_DIR);
}

/** How user tokens are verified: a shared secret (HS256), a public key, or the issuer's JWKS. */
export type UserKeySource =
  { kind: "secret"; key: KeyObject } | { kind: "public"; key: KeyObject } | { kind: "jwks"; url: string };

export function userKeySource(config: IdentityConfig): UserKeySource {
  if (config.AUTH_JWKS_URL) return { kind: "jwks", url: config.AUTH_JWKS_URL };
  if (config.AUTH_PUBLIC_KEY) return { kind: "public", key: createPublicKey(config.AUTH_PUBLIC_KEY) };
  const secret = config.AUTH_JWT_SECRET ?? dev(config, "AUTH_JWT_SECRET, AUTH_PUBLIC_KEY or AUTH_JWKS_URL").authSecret;
  return { kind: "secret", key: createSecretKey(Buffer.from(secret, "utf8")) };
}

/** How user tokens' claims are checked (lib/auth/user-tokens.ts); production must name the issuer. */
export function userTokenRules(config: IdentityConfig): {
  audience: string;
  issuer?: string;
  maxLifetimeS: number;
  clockSkewS: number;
} {
  if (config.NODE_ENV === "production" && !config.AUTH_ISSUER) {
    throw new MissingKeyError(
      "AUTH_ISSUER: required when NODE_ENV=production (the issuer, `iss`, user tokens must carry)",
    );
  }
  return {
    audience: config.AUTH_AUDIENCE,
    issuer: config.AUTH_ISSUER,
    maxLifetimeS: config.AUTH_MAX_TOKEN_LIFETIME_S,
    clockSkewS: config.AUTH_CLOCK_SKEW_S,
  };
}

/** The gateway's private signing key (the gateway only). */
export function gatewaySigningKey(config: IdentityConfig): KeyObject {
  return createPrivateKey(config.GATEWAY_SIGNING_KEY ?? dev(config, "GATEWAY_SIGNING_KEY").signingKey);
}

/** The public half every partner verifies forwards with. */
export function gatewayVerifyKey(config: IdentityConfig): KeyObject {
  return createPublicKey(config.GATEWAY_VERIFY_KEY ?? dev(config, "GATEWAY_VERIFY_KEY").verifyKey);
}

/** The national catalogue's private signing key (the catalogue only). */
export function catalogueSigningKey(config: IdentityConfig): KeyObject {
  return createPrivateKey(config.CATALOGUE_SIGNING_KEY ?? dev(config, "CATALOGUE_SIGNING_KEY").catalogueSigningKey);
}

/** The public half partners verify the catalogue's own calls with. */
export function catalogueVerifyKey(config: IdentityConfig): KeyObject {
  return createPublicKey(config.CATALOGUE_VERIFY_KEY ?? dev(config, "CATALOGUE_VERIFY_KEY").catalogueVerifyKey);
}

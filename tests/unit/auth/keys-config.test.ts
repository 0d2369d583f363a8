// Keys from configuration: one-line PEMs (as `npm run keys` writes them for .env) are usable;
// production refuses to run on development keys; only the gateway and the catalogue are given the
// signing key in docker-compose.
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { loadConfig } from "../../../lib/config.ts";
import {
  catalogueSigningKey,
  catalogueVerifyKey,
  gatewaySigningKey,
  gatewayVerifyKey,
  MissingKeyError,
  userKeySource,
} from "../../../lib/auth/keys.ts";
import { gatewayAuth, partnerAuth, unsignedPolicy } from "../../../lib/auth/setup.ts";

function keysEnv(): Record<string, string> {
  const out = execFileSync(process.execPath, ["--import", "tsx", "scripts/keys.ts"], { encoding: "utf8" });
  return Object.fromEntries(
    out
      .split("\n")
      .filter((l) => /^[A-Z_]+=/.test(l))
      .map((l) => {
        const [k, ...v] = l.split("=");
        return [k!, v.join("=").replace(/^"|"$/g, "")];
      }),
  );
}

describe("identity keys from configuration", () => {
  it("takes the one-line keys `npm run keys` prints", () => {
    const config = loadConfig({ NODE_ENV: "production", AUTH_ISSUER: "https://idp.example", ...keysEnv() });
    expect(gatewaySigningKey(config).asymmetricKeyType).toBe("ed25519");
    expect(gatewayVerifyKey(config).asymmetricKeyType).toBe("ed25519");
    expect(userKeySource(config).kind).toBe("secret");
    expect(catalogueSigningKey(config).asymmetricKeyType).toBe("ed25519");
    expect(catalogueVerifyKey(config).asymmetricKeyType).toBe("ed25519");
    expect(catalogueVerifyKey(config).export({ type: "spki", format: "pem" })).not.toEqual(
      gatewayVerifyKey(config).export({ type: "spki", format: "pem" }),
    );
    expect(() => gatewayAuth(config)).not.toThrow();
    expect(() => partnerAuth(config, "national-catalogue", true)).not.toThrow();
  });

  it("refuses to start in production without AUTH_ISSUER, in one line naming it", () => {
    const config = loadConfig({ NODE_ENV: "production", ...keysEnv(), AUTH_ISSUER: "" });
    expect(() => gatewayAuth(config)).toThrow(MissingKeyError);
    expect(() => gatewayAuth(config)).toThrow(/^AUTH_ISSUER: required when NODE_ENV=production[^\n]*$/);
    // The catalogue checks admin tokens too; a partner verifies no user tokens and does not need it.
    expect(() => partnerAuth(config, "national-catalogue", true)).toThrow(/^AUTH_ISSUER/);
    expect(() => partnerAuth(config, "essex-cc", false)).not.toThrow();
    expect(() => gatewayAuth(loadConfig({ NODE_ENV: "development" }))).not.toThrow();
  });

  it("the gateway process exits 1 with that line", () => {
    const env = {
      ...process.env,
      NODE_ENV: "production",
      ...keysEnv(),
      AUTH_ISSUER: "",
      LOG_LEVEL: "silent",
      GATEWAY_PORT: "0",
    };
    let out = "";
    let status: number | null = 0;
    try {
      execFileSync(process.execPath, ["--import", "tsx", "gateway/index.ts"], {
        env,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        timeout: 60_000,
      });
    } catch (e) {
      const err = e as { status: number | null; stderr: string };
      status = err.status;
      out = err.stderr;
    }
    expect(status).toBe(1);
    expect(out.trim().split("\n")).toEqual([expect.stringMatching(/^AUTH_ISSUER: required when NODE_ENV=production/)]);
  }, 60_000);

  it("refuses to start in production without keys, naming the setting", () => {
    const config = loadConfig({ NODE_ENV: "production" });
    expect(() => gatewayAuth(config)).toThrow(MissingKeyError);
    expect(() => partnerAuth(config, "essex-cc", false)).toThrow(/GATEWAY_VERIFY_KEY/);
  });

  it("refuses a key that is not PEM, and a short secret", () => {
    expect(() => loadConfig({ GATEWAY_VERIFY_KEY: "hello" })).toThrow(/GATEWAY_VERIFY_KEY: must be a PEM key/);
    expect(() => loadConfig({ AUTH_JWT_SECRET: "short" })).toThrow(/AUTH_JWT_SECRET/);
  });

  it("partners reject unsigned requests in production and serve them read-only otherwise, unless told", () => {
    expect(unsignedPolicy({ NODE_ENV: "production", SUBGRAPH_UNSIGNED: undefined })).toBe("reject");
    expect(unsignedPolicy({ NODE_ENV: "development", SUBGRAPH_UNSIGNED: undefined })).toBe("read-only");
    expect(unsignedPolicy({ NODE_ENV: "production", SUBGRAPH_UNSIGNED: "read-only" })).toBe("read-only");
  });
});

describe("docker-compose identity settings", () => {
  const compose = parseYaml(readFileSync("docker-compose.yml", "utf8"), { merge: true }) as {
    services: Record<string, { environment?: Record<string, string> }>;
  };
  const holders = (setting: string) =>
    Object.entries(compose.services)
      .filter(([, s]) => s.environment && setting in s.environment)
      .map(([name]) => name)
      .sort();

  it("gives the gateway's signing key to the gateway only, and the catalogue's to the catalogue only", () => {
    expect(holders("GATEWAY_SIGNING_KEY")).toEqual(["gateway"]);
    expect(holders("CATALOGUE_SIGNING_KEY")).toEqual(["national-catalogue"]);
  });
  it("gives every one of our services both verify keys, and only the gateway and the catalogue the user-token secret and issuer", () => {
    const ours = Object.entries(compose.services)
      .filter(([name]) => !name.endsWith("-db"))
      .map(([n]) => n)
      .sort();
    expect(holders("GATEWAY_VERIFY_KEY")).toEqual(ours);
    expect(holders("CATALOGUE_VERIFY_KEY")).toEqual(ours);
    expect(holders("AUTH_JWT_SECRET")).toEqual(["gateway", "national-catalogue"]);
    expect(holders("AUTH_ISSUER")).toEqual(["gateway", "national-catalogue"]);
  });
});

// Keys from configuration: one-line PEMs (as `npm run keys` writes them for .env) are usable;
// production refuses to run on development keys; only the gateway and the catalogue are given the
// signing key in docker-compose.
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { loadConfig } from "../../../lib/config.ts";
import { gatewaySigningKey, gatewayVerifyKey, MissingKeyError, userKeySource } from "../../../lib/auth/keys.ts";
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
    const config = loadConfig({ NODE_ENV: "production", ...keysEnv() });
    expect(gatewaySigningKey(config).asymmetricKeyType).toBe("ed25519");
    expect(gatewayVerifyKey(config).asymmetricKeyType).toBe("ed25519");
    expect(userKeySource(config).kind).toBe("secret");
    expect(() => gatewayAuth(config)).not.toThrow();
  });

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
  const compose = parseYaml(readFileSync("docker-compose.yml", "utf8"), { merge: true }) as { services: Record<string, { environment?: Record<string, string> }> };
  const holders = (setting: string) =>
    Object.entries(compose.services)
      .filter(([, s]) => s.environment && setting in s.environment)
      .map(([name]) => name)
      .sort();

  it("gives the signing key to the gateway and the catalogue only", () => {
    expect(holders("GATEWAY_SIGNING_KEY")).toEqual(["gateway", "national-catalogue"]);
  });
  it("gives every one of our services the verify key, and only the gateway the user-token secret", () => {
    const ours = Object.entries(compose.services).filter(([name]) => !name.endsWith("-db")).map(([n]) => n).sort();
    expect(holders("GATEWAY_VERIFY_KEY")).toEqual(ours);
    expect(holders("AUTH_JWT_SECRET")).toEqual(["gateway"]);
  });
});

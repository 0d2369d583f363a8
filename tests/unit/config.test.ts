// Every service's settings come from lib/config.ts: defaults for an empty environment, and one
// ConfigError naming every bad setting.
import { describe, it, expect } from "vitest";
import { existsSync } from "node:fs";
import { ConfigError, loadConfig } from "../../lib/config.ts";

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe("loadConfig", () => {
  it("applies the defaults for an empty environment", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      NODE_ENV: "development",
      LOG_LEVEL: "info",
      PARTNER_URL_TEMPLATE: "http://127.0.0.1:{port}/graphql",
      HOST: "127.0.0.1",
      GATEWAY_PORT: 4000,
      PARTNER_TIMEOUT_MS: 3000,
      HARVEST_INTERVAL_MS: 60_000,
      SEED: true,
      MAX_BODY_BYTES: 262_144,
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.PARTNER_ID).toBeUndefined();
    expect(config.PORT).toBeUndefined();
  });

  it("defaults REGISTRY_FILE to the committed schema/partners.json and DATA_DIR to .data", () => {
    const config = loadConfig({});
    expect(config.REGISTRY_FILE).toMatch(/schema\/partners\.json$/);
    expect(existsSync(config.REGISTRY_FILE)).toBe(true);
    expect(config.DATA_DIR).toMatch(/\.data$/);
  });

  it("treats an empty value as unset", () => {
    expect(loadConfig({ GATEWAY_PORT: "", LOG_LEVEL: "", DATABASE_URL: "" })).toMatchObject({
      GATEWAY_PORT: 4000,
      LOG_LEVEL: "info",
    });
  });

  it("parses values given as strings", () => {
    const config = loadConfig({
      GATEWAY_PORT: "8080",
      PORT: "4123",
      PARTNER_TIMEOUT_MS: "250",
      SEED: "false",
      LOG_LEVEL: "debug",
      DATABASE_URL: "postgresql://u:p@db:5432/x",
      PARTNER_URL_TEMPLATE: "http://{id}:{port}/graphql",
    });
    expect(config).toMatchObject({
      GATEWAY_PORT: 8080,
      PORT: 4123,
      PARTNER_TIMEOUT_MS: 250,
      SEED: false,
      LOG_LEVEL: "debug",
    });
    expect(config.DATABASE_URL).toBe("postgresql://u:p@db:5432/x");
  });

  it("ignores variables it does not know", () => {
    expect(() => loadConfig({ PATH: "/usr/bin", HOME: "/root" })).not.toThrow();
  });

  it.each([
    ["GATEWAY_PORT", "abc"],
    ["GATEWAY_PORT", "70000"],
    ["PORT", "-1"],
    ["DATABASE_URL", "mysql://x"],
    ["PARTNER_URL_TEMPLATE", "http://127.0.0.1:4000/graphql"],
    ["LOG_LEVEL", "loud"],
    ["NODE_ENV", "staging"],
    ["PARTNER_TIMEOUT_MS", "5"],
    ["SEED", "yes"],
    ["MAX_BODY_BYTES", "10"],
  ])("refuses %s=%s with a ConfigError naming the setting", (name, value) => {
    const error = configError({ [name]: value });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/^Invalid configuration: /);
    expect(error.message).toContain(name);
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(new RegExp(`^${name}: `));
  });

  it("reports several problems at once, one per setting", () => {
    const error = configError({
      GATEWAY_PORT: "abc",
      DATABASE_URL: "mysql://x",
      LOG_LEVEL: "loud",
      PARTNER_URL_TEMPLATE: "http://fixed/graphql",
    });
    expect(error.problems).toHaveLength(4);
    for (const name of ["GATEWAY_PORT", "DATABASE_URL", "LOG_LEVEL", "PARTNER_URL_TEMPLATE"]) {
      expect(
        error.problems.filter((p) => p.startsWith(`${name}: `)),
        name,
      ).toHaveLength(1);
      expect(error.message).toContain(name);
    }
  });

  // Number(" ") is 0, and port 0 means "any free port": a stray space must not move the gateway.
  it.each(["GATEWAY_PORT", "PORT"])("does not turn %s set to spaces into port 0", (name) => {
    let port: number | undefined;
    try {
      const config = loadConfig({ [name]: "   " });
      port = name === "PORT" ? config.PORT : config.GATEWAY_PORT;
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).message).toContain(name);
      return;
    }
    // Treated as unset is fine too; listening on a random port is not.
    expect(port).not.toBe(0);
  });

  it("says what is wrong with the URL settings", () => {
    expect(configError({ DATABASE_URL: "mysql://x" }).message).toContain("must be a postgres:// URL");
    expect(configError({ PARTNER_URL_TEMPLATE: "http://x/graphql" }).message).toContain("must contain {port} or {id}");
    expect(configError({ PARTNER_URL_TEMPLATE: "htp:/{id}:{port}/graphql" }).message).toContain(
      "PARTNER_URL_TEMPLATE: must be an http:// or https:// URL with a host",
    );
  });
});

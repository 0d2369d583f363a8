// docker-compose.yml is written by hand and no Docker engine runs in CI, so it is checked here
// against what it mirrors: the partner registry (schema/partners.json), the config schema
// (lib/config.ts) and the entry points in the repository. Any drift fails one of these tests.
import { nodeCommand, type Service as NodeService } from "../../lib/node-flags.ts";
import { describe, it, expect } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { loadConfig } from "../../lib/config.ts";
import { generateDevKeys } from "../../lib/auth/keys.ts";
import { loadRegistry } from "../../lib/registry/registry.ts";

const repoFile = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const COMPOSE_FILE = repoFile("docker-compose.yml");
const DOCKERFILE = repoFile("Dockerfile");
const REGISTRY_FILE = repoFile("schema/partners.json");

type Service = {
  image?: string;
  build?: unknown;
  command?: string | string[];
  environment?: Record<string, unknown> | string[];
  ports?: (string | number | { target?: number | string; published?: number | string })[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[] };
  volumes?: (string | { type?: string; source?: string; target?: string })[];
};

// `merge: true` so the `<<: *anchor` keys are merged as docker compose merges them.
const compose = parse(readFileSync(COMPOSE_FILE, "utf8"), { merge: true }) as {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
};
const services = compose.services ?? {};
const serviceNames = Object.keys(services);

/** The template compose gives the services; the registry's own default is only a placeholder. */
const registry = loadRegistry(REGISTRY_FILE, "http://unused:{port}/graphql");
const enabled = registry.partners.filter((p) => p.enabled);
const enabledIds = new Set(enabled.map((p) => p.id));

// What `npm run keys > .env` gives compose: ${NAME:?message} in the file is replaced from it, as
// compose does (a variable missing from .env would stop compose with the message).
const dotEnv: Record<string, string> = (() => {
  const keys = generateDevKeys();
  const oneLine = (pem: string) => pem.trim().replaceAll("\n", "\\n");
  return {
    AUTH_JWT_SECRET: keys.authSecret,
    AUTH_ISSUER: "national-catalogue-local",
    GATEWAY_SIGNING_KEY: oneLine(keys.signingKey),
    GATEWAY_VERIFY_KEY: oneLine(keys.verifyKey),
    CATALOGUE_SIGNING_KEY: oneLine(keys.catalogueSigningKey),
    CATALOGUE_VERIFY_KEY: oneLine(keys.catalogueVerifyKey),
  };
})();
const interpolate = (value: string) =>
  value.replace(/\$\{([A-Z_]+)(?::\?[^}]*)?\}/g, (_, name: string) => {
    if (!(name in dotEnv)) throw new Error(`docker-compose.yml needs \${${name}}, which npm run keys does not write`);
    return dotEnv[name]!;
  });

function envOf(name: string): Record<string, string> {
  return Object.fromEntries(Object.entries(rawEnvOf(name)).map(([k, v]) => [k, interpolate(v)]));
}

function rawEnvOf(name: string): Record<string, string> {
  const env = services[name]?.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((line) => {
        const i = line.indexOf("=");
        return i < 0 ? [line, ""] : [line.slice(0, i), line.slice(i + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null || v === undefined ? "" : String(v)]));
}

function commandOf(name: string): string[] {
  const c = services[name]?.command;
  if (c === undefined) return [];
  return Array.isArray(c) ? c.map(String) : c.trim().split(/\s+/);
}

/** The TypeScript source of the compiled entry point `node <flags> dist/<file>.js` runs. */
function entryOf(name: string): string | undefined {
  const cmd = commandOf(name);
  if (cmd[0] !== "node") return undefined;
  return cmd
    .find((arg) => /^dist\/.*\.js$/.test(arg))
    ?.replace(/^dist\//, "")
    .replace(/\.js$/, ".ts");
}

function dependsOn(name: string): Record<string, string | undefined> {
  const d = services[name]?.depends_on ?? {};
  if (Array.isArray(d)) return Object.fromEntries(d.map((s) => [s, undefined]));
  return Object.fromEntries(Object.entries(d).map(([s, v]) => [s, v?.condition]));
}

/** [published, target] pairs of a service's ports. */
function portsOf(name: string): [number, number][] {
  return (services[name]?.ports ?? []).map((p) => {
    if (typeof p === "object") return [Number(p.published), Number(p.target)];
    const parts = String(p).split("/")[0]!.split(":");
    const target = Number(parts.at(-1));
    return [parts.length > 1 ? Number(parts.at(-2)) : target, target];
  });
}

function healthcheckText(name: string): string {
  const t = services[name]?.healthcheck?.test;
  return Array.isArray(t) ? t.join(" ") : (t ?? "");
}

const isDbService = (name: string) => name.endsWith("-db");
const isPostgres = (name: string) => /^postgres(:|$)/.test(services[name]?.image ?? "");

describe("docker-compose.yml and the partner registry", () => {
  it("has a registry with partners and exactly one enabled catalogue", () => {
    expect(enabled.length).toBeGreaterThan(0);
    expect(enabled.filter((p) => p.kind === "catalogue").map((p) => p.id)).toEqual(["national-catalogue"]);
  });

  it.each(enabled.map((p) => [p.id, p] as const))("runs partner %s from its kind's entry point", (id, partner) => {
    expect(serviceNames, `no service ${id} in docker-compose.yml`).toContain(id);
    const entry = entryOf(id);
    expect(entry).toBe(`subgraphs/${partner.kind}/index.ts`);
    // With the runtime flags the launcher and the benchmarks use (lib/node-flags.ts).
    expect(commandOf(id)).toEqual(nodeCommand(partner.kind as NodeService, entry!));
    expect(existsSync(repoFile(entry!)), `${entry} does not exist in the repository`).toBe(true);
    expect(services[id]!.build ?? services[id]!.image, "built from the Dockerfile").toBeTruthy();
  });

  it.each(enabled.map((p) => [p.id, p] as const))("configures partner %s so that its config loads", (id, partner) => {
    const env = envOf(id);
    const config = loadConfig(env);
    expect(config.PARTNER_ID).toBe(id);
    expect(config.HOST).toBe("0.0.0.0");
    expect(env.LOG_LEVEL, "LOG_LEVEL is set").toBeTruthy();
    // The service listens on the registry port unless PORT overrides it; compose must agree.
    const listens = config.PORT ?? partner.port;
    expect(listens).toBe(partner.port);
    expect(portsOf(id)).toContainEqual([partner.port, partner.port]);
    expect(healthcheckText(id)).toContain(`:${partner.port}/health`);
  });

  it.each(enabled.map((p) => [p.id] as const))("gives partner %s a PostgreSQL of its own", (id) => {
    const config = loadConfig(envOf(id));
    expect(config.DATABASE_URL, `${id} has no DATABASE_URL`).toBeDefined();
    const url = new URL(config.DATABASE_URL!);
    const db = url.hostname;
    expect(db).toBe(`${id}-db`);
    expect(serviceNames, `no database service ${db}`).toContain(db);
    expect(isPostgres(db), `${db} is not a postgres image: ${services[db]!.image}`).toBe(true);
    // The credentials and database name in the URL are the ones the database service creates.
    const dbEnv = envOf(db);
    expect(decodeURIComponent(url.username)).toBe(dbEnv.POSTGRES_USER || "postgres");
    expect(decodeURIComponent(url.password)).toBe(dbEnv.POSTGRES_PASSWORD);
    expect(url.pathname.slice(1)).toBe(dbEnv.POSTGRES_DB || dbEnv.POSTGRES_USER || "postgres");
    expect(url.port || "5432").toBe("5432");
    // Not shared: no other service points its DATABASE_URL at this database.
    const users = serviceNames.filter((s) => {
      const u = envOf(s).DATABASE_URL;
      return u !== undefined && u !== "" && new URL(u).hostname === db;
    });
    expect(users).toEqual([id]);
    expect(dependsOn(id)).toHaveProperty(db, "service_healthy");
    expect(healthcheckText(db)).toContain("pg_isready");
    // Its data lives in a declared named volume that no other database uses.
    const named = (services[db]!.volumes ?? [])
      .map((v) => (typeof v === "string" ? v.split(":")[0]! : (v.source ?? "")))
      .filter((v) => v !== "" && !v.startsWith(".") && !v.startsWith("/"));
    expect(named.length).toBeGreaterThan(0);
    for (const v of named) {
      expect(Object.keys(compose.volumes ?? {}), `volume ${v} is not declared`).toContain(v);
      const sharers = serviceNames.filter((s) =>
        (services[s]!.volumes ?? []).some((w) => (typeof w === "string" ? w.split(":")[0] : w.source) === v),
      );
      expect(sharers).toEqual([db]);
    }
  });

  it("runs the gateway in front of every partner", () => {
    expect(serviceNames).toContain("gateway");
    expect(commandOf("gateway")).toEqual(nodeCommand("gateway", "gateway/index.ts"));
    expect(entryOf("gateway")).toBe("gateway/index.ts");
    expect(existsSync(repoFile("gateway/index.ts")), "gateway/index.ts does not exist in the repository").toBe(true);
    const config = loadConfig(envOf("gateway"));
    expect(config.HOST).toBe("0.0.0.0");
    expect(portsOf("gateway")).toContainEqual([config.GATEWAY_PORT, config.GATEWAY_PORT]);
    expect(healthcheckText("gateway")).toContain(`:${config.GATEWAY_PORT}/health`);
    const deps = dependsOn("gateway");
    for (const p of enabled) expect(deps, `gateway does not wait for ${p.id}`).toHaveProperty(p.id, "service_healthy");
  });

  it("runs every service of ours compiled (node dist/...), never through tsx", () => {
    for (const s of ["gateway", ...enabled.map((p) => p.id)]) {
      const cmd = commandOf(s);
      expect(
        cmd.filter((a) => /tsx|\.ts$/.test(a)),
        `${s}: ${cmd.join(" ")}`,
      ).toEqual([]);
      expect(cmd.at(-1), s).toMatch(/^dist\/.*\/index\.js$/);
    }
  });

  it("has no service for a partner that is not enabled in the registry", () => {
    const strays = serviceNames.filter((s) => s !== "gateway" && !isDbService(s) && !enabledIds.has(s));
    expect(strays).toEqual([]);
    const strayDbs = serviceNames.filter((s) => isDbService(s) && !enabledIds.has(s.slice(0, -"-db".length)));
    expect(strayDbs).toEqual([]);
  });

  it("publishes each host port once", () => {
    const published = serviceNames.flatMap((s) => portsOf(s).map(([p]) => p));
    expect(new Set(published).size).toBe(published.length);
  });

  it("builds partner URLs whose host is a compose service", () => {
    const appServices = ["gateway", ...enabled.map((p) => p.id)];
    const templates = new Set(appServices.map((s) => envOf(s).PARTNER_URL_TEMPLATE));
    expect(templates.size, "every service uses the same PARTNER_URL_TEMPLATE").toBe(1);
    const [template] = [...templates];
    expect(template).toBeDefined();
    const resolved = loadRegistry(REGISTRY_FILE, template!);
    for (const p of resolved.partners.filter((q) => q.enabled)) {
      const url = new URL(p.url);
      expect(serviceNames, `${p.id} resolves to ${p.url}`).toContain(url.hostname);
      expect(url.hostname).toBe(p.id);
      expect(Number(url.port)).toBe(p.port);
    }
  });
});

describe("Dockerfile", () => {
  const text = existsSync(DOCKERFILE) ? readFileSync(DOCKERFILE, "utf8") : "";
  // Instructions with their continuation lines joined; comments dropped.
  const instructions = text
    .replace(/\\\r?\n/g, " ")
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));

  it("exists and installs with npm ci", () => {
    expect(existsSync(DOCKERFILE)).toBe(true);
    expect(instructions.some((l) => /^RUN\b.*\bnpm ci\b/.test(l))).toBe(true);
  });

  it("downloads nothing with curl, wget or ADD <url>", () => {
    expect(text.length).toBeGreaterThan(0);
    expect(instructions.filter((l) => /\b(curl|wget)\b/.test(l))).toEqual([]);
    expect(instructions.filter((l) => /^ADD\s+.*\bhttps?:\/\//i.test(l))).toEqual([]);
  });

  it("runs as a non-root user and starts the compiled gateway by default, with its deployed flags", () => {
    const users = instructions.filter((l) => /^USER\s/.test(l));
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^USER\s+(root|0)(:|\s|$)/);
    const cmd = instructions.filter((l) => /^CMD\s/.test(l)).at(-1);
    expect(JSON.parse(cmd!.replace(/^CMD\s+/, ""))).toEqual(nodeCommand("gateway", "gateway/index.ts"));
  });

  // The image's last stage is what runs: everything from its FROM to the end of the file.
  const stages = instructions.reduce<string[][]>(
    (all, l) => (/^FROM\s/i.test(l) ? [...all, [l]] : (all.at(-1)?.push(l), all)),
    [],
  );
  const runtime = stages.at(-1) ?? [];

  it("builds in a stage of its own (npm ci, prisma generate, npm run build) on Node 22", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage[0]).toMatch(/^FROM\s+node:22-/);
    const build = stages.slice(0, -1).flat();
    expect(build.some((l) => /^RUN\b.*\bnpm ci\b/.test(l))).toBe(true);
    expect(build.some((l) => /^RUN\b.*\bnpm run generate\b/.test(l))).toBe(true);
    expect(build.some((l) => /^RUN\b.*\bnpm run build\b/.test(l))).toBe(true);
  });

  it("runs a runtime stage with production dependencies only, no tsx, and the build copied from the build stage", () => {
    expect(runtime.some((l) => /^RUN\b.*\bnpm ci\b.*--omit=dev\b/.test(l))).toBe(true);
    expect(runtime.filter((l) => /\b(tsx|esbuild|typescript|tsc)\b|\.ts\b/.test(l))).toEqual([]);
    expect(runtime.some((l) => /^COPY\s+--from=\S+\s+\/app\/dist\s/.test(l))).toBe(true);
    // The sources are not in the image, so nothing there can run them by mistake.
    expect(runtime.filter((l) => /^COPY\s+\.\s/.test(l))).toEqual([]);
  });

  it("runs no development dependency in production: tsx, esbuild and TypeScript are devDependencies", () => {
    const pkg = JSON.parse(readFileSync(repoFile("package.json"), "utf8")) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    for (const dev of ["tsx", "esbuild", "typescript", "vitest"])
      expect(Object.keys(pkg.dependencies)).not.toContain(dev);
    expect(Object.keys(pkg.devDependencies)).toContain("tsx");
  });

  it("is the image every compose service of ours is built from", () => {
    for (const s of ["gateway", ...enabled.map((p) => p.id)]) {
      const build = services[s]?.build;
      const dockerfile =
        typeof build === "object" && build !== null
          ? ((build as { dockerfile?: string }).dockerfile ?? "Dockerfile")
          : "Dockerfile";
      const context =
        typeof build === "string" ? build : ((build as { context?: string } | undefined)?.context ?? undefined);
      expect(context, `${s} is not built`).toBe(".");
      expect(dockerfile).toBe("Dockerfile");
    }
  });
});

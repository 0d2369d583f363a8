// Rate limiting at the gateway's HTTP front: two gateway replicas against one Redis enforce one
// shared budget; without REDIS_URL each replica counts in memory; an unreachable Redis never fails
// a request (memory takes over, with one warning). Gateways only: `{ __typename }` needs no partner.
import { afterEach, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { pino } from "pino";
import { Redis } from "ioredis";
import { startGateway } from "../../gateway/server.ts";
import { DEFAULT_REGISTRY_FILE, loadRegistry } from "../../lib/registry/registry.ts";
import type { EdgeSettings } from "../../gateway/edge/settings.ts";
import { createPrivateKey, createSecretKey } from "node:crypto";
import { generateDevKeys } from "../../lib/auth/keys.ts";
import { userTokenVerifier } from "../../lib/auth/user-tokens.ts";
import { IdentitySigner } from "../../lib/auth/internal-tokens.ts";
import { issueToken } from "../../lib/auth/dev-tokens.ts";
import { DEFAULT_AUDIENCE } from "../../schema/roles.ts";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const registry = loadRegistry(DEFAULT_REGISTRY_FILE, "http://127.0.0.1:{port}/graphql");
const running: { close(): Promise<void> }[] = [];
const warnings: string[] = [];
const logger = pino({ level: "warn" }, { write: (line: string) => void warnings.push(line) });

afterEach(async () => {
  await Promise.all(running.splice(0).map((g) => g.close()));
  warnings.length = 0;
});

async function gateway(
  edge: Partial<EdgeSettings>,
  keyOf?: (req: import("node:http").IncomingMessage) => Promise<string>,
) {
  const g = await startGateway({
    registry: () => registry,
    timeoutMs: 1000,
    logger,
    port: 0,
    host: "127.0.0.1",
    maxBodyBytes: 262_144,
    edge,
    keyOf,
  });
  running.push(g);
  return g;
}

const ask = (url: string, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query: "{ __typename }" }),
  });

/** A prefix of its own, so that runs (and CI jobs sharing a Redis) never share a budget. */
const prefix = () => `test:rate:${randomUUID()}:`;

async function removeKeys(keyPrefix: string) {
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${keyPrefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
}

describe("two gateway replicas and one Redis", () => {
  it("share one budget: N requests succeed across both, the next is 429", async () => {
    const shared = prefix();
    const edge = { RATE_LIMIT_REQUESTS: 5, RATE_LIMIT_WINDOW_MS: 60_000, REDIS_URL, RATE_LIMIT_PREFIX: shared };
    const [a, b] = [await gateway(edge), await gateway(edge)];
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await ask((i % 2 ? b : a).url)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);

    for (const url of [a.url, b.url]) {
      const refused = await ask(url);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(60);
      expect(refused.headers.get("ratelimit-limit")).toBe("5");
      expect(refused.headers.get("ratelimit-remaining")).toBe("0");
      expect(refused.headers.get("ratelimit-policy")).toBe("5;w=60");
      const body = await refused.json();
      expect(body.errors[0].extensions.code).toBe("RATE_LIMITED");
      expect(body.errors[0].message).toMatch(/5 requests per 60 s; try again in \d+ s/);
    }
    expect(warnings).toEqual([]);
    await removeKeys(shared);
  });

  it("counts concurrent requests exactly (one atomic counter)", async () => {
    const shared = prefix();
    const edge = { RATE_LIMIT_REQUESTS: 20, RATE_LIMIT_WINDOW_MS: 60_000, REDIS_URL, RATE_LIMIT_PREFIX: shared };
    const [a, b] = [await gateway(edge), await gateway(edge)];
    const statuses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => ask((i % 2 ? b : a).url).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30);
    await removeKeys(shared);
  });

  it("counts by what keyOf returns (the auth layer's user id), each with its own budget", async () => {
    const shared = prefix();
    const keyOf = async (req: import("node:http").IncomingMessage) =>
      `user:${req.headers["x-test-user"] ?? "anonymous"}`;
    const edge = { RATE_LIMIT_REQUESTS: 2, RATE_LIMIT_WINDOW_MS: 60_000, REDIS_URL, RATE_LIMIT_PREFIX: shared };
    const [a, b] = [await gateway(edge, keyOf), await gateway(edge, keyOf)];
    const as = async (url: string, user: string) => (await ask(url, { "x-test-user": user })).status;
    expect([await as(a.url, "amira"), await as(b.url, "amira"), await as(a.url, "amira")]).toEqual([200, 200, 429]);
    expect([await as(b.url, "lee"), await as(a.url, "lee")]).toEqual([200, 200]);
    await removeKeys(shared);
  });
});

describe("without Redis", () => {
  it("each replica counts in memory (REDIS_URL unset)", async () => {
    const edge = { RATE_LIMIT_REQUESTS: 3, RATE_LIMIT_WINDOW_MS: 60_000 };
    const [a, b] = [await gateway(edge), await gateway(edge)];
    const onA = [];
    for (let i = 0; i < 4; i++) onA.push((await ask(a.url)).status);
    expect(onA).toEqual([200, 200, 200, 429]);
    // The other replica has its own budget.
    expect((await ask(b.url)).status).toBe(200);
    const ok = await ask(b.url);
    expect(ok.headers.get("ratelimit-remaining")).toBe("1");
  });

  it("an unreachable Redis fails no request: memory takes over, with one warning", async () => {
    const edge = {
      RATE_LIMIT_REQUESTS: 3,
      RATE_LIMIT_WINDOW_MS: 60_000,
      REDIS_URL: "redis://127.0.0.1:1",
      RATE_LIMIT_PREFIX: prefix(),
    };
    const g = await gateway(edge);
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await ask(g.url)).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const warned = warnings.map((w) => JSON.parse(w)).filter((w) => /Redis is unreachable/.test(w.msg));
    expect(warned).toHaveLength(1);
  });

  it("RATE_LIMIT_REQUESTS=0 turns it off, and /health is never counted", async () => {
    const off = await gateway({ RATE_LIMIT_REQUESTS: 0 });
    for (let i = 0; i < 5; i++) expect((await ask(off.url)).status).toBe(200);
    const on = await gateway({ RATE_LIMIT_REQUESTS: 1 });
    for (let i = 0; i < 3; i++) expect((await fetch(on.url.replace("/graphql", "/health"))).status).toBe(200);
    expect((await ask(on.url)).status).toBe(200);
    expect((await ask(on.url)).status).toBe(429);
  });
});

describe("budgets by verified user", () => {
  it("counts a signed-in user by user, and a bad token by address (inventing tokens buys nothing)", async () => {
    const keys = generateDevKeys();
    const auth = {
      users: userTokenVerifier(
        { kind: "secret", key: createSecretKey(Buffer.from(keys.authSecret)) },
        { audience: DEFAULT_AUDIENCE },
      ),
      signer: new IdentitySigner(createPrivateKey(keys.signingKey)),
    };
    const g = await startGateway({
      registry: () => registry,
      timeoutMs: 1000,
      logger,
      port: 0,
      host: "127.0.0.1",
      maxBodyBytes: 262_144,
      edge: { RATE_LIMIT_REQUESTS: 2, RATE_LIMIT_WINDOW_MS: 60_000 },
      auth,
    });
    running.push(g);
    const token = (user: string) =>
      issueToken(
        { user, organisation: "essex-cc", roles: ["editor"] },
        { secret: keys.authSecret, audience: DEFAULT_AUDIENCE },
      );
    const bearer = async (user: string) => ({ authorization: `Bearer ${await token(user)}` });
    // Two users from one address: a budget each.
    expect((await ask(g.url, await bearer("ann"))).status).toBe(200);
    expect((await ask(g.url, await bearer("ann"))).status).toBe(200);
    expect((await ask(g.url, await bearer("ann"))).status).toBe(429);
    expect((await ask(g.url, await bearer("bob"))).status).toBe(200);
    // Forged tokens all count against the address (401 while budget remains, then 429).
    const forged = {
      authorization: `Bearer ${await issueToken({ user: "x", organisation: "essex-cc", roles: [] }, { secret: "y".repeat(40), audience: DEFAULT_AUDIENCE })}`,
    };
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await ask(g.url, forged)).status);
    expect(statuses).toEqual([401, 401, 429]);
  });
});

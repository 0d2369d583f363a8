// The in-memory limiter (fixed windows per client) and the failover from Redis to memory: a Redis
// failure never fails a request, and is logged once per outage.
import { describe, expect, it, vi } from "vitest";
import { MemoryRateLimiter } from "../../../lib/rate-limit/memory.ts";
import { FailoverRateLimiter } from "../../../gateway/edge/rate-limit/failover.ts";
import { createRateLimiter } from "../../../gateway/edge/rate-limit/index.ts";
import type { RateLimiter } from "../../../lib/rate-limit/types.ts";

describe("MemoryRateLimiter", () => {
  it("allows `limit` requests per window per key, then refuses until the window resets", async () => {
    let now = 1_000;
    const limiter = new MemoryRateLimiter(3, 60_000, () => now);
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await limiter.consume("a"));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
    expect(results.map((r) => r.remaining)).toEqual([2, 1, 0, 0]);
    expect(results[3]!.resetMs).toBe(60_000);
    // Another client has its own budget.
    expect((await limiter.consume("b")).allowed).toBe(true);
    now += 30_000;
    expect(await limiter.consume("a")).toEqual({ allowed: false, remaining: 0, resetMs: 30_000 });
    now += 30_000;
    expect(await limiter.consume("a")).toEqual({ allowed: true, remaining: 2, resetMs: 60_000 });
  });

  it("forgets finished windows, so one-off clients do not accumulate", async () => {
    let now = 0;
    const limiter = new MemoryRateLimiter(1, 1000, () => now);
    for (let i = 0; i < 500; i++) await limiter.consume(`client-${i}`);
    expect(limiter.size).toBe(500);
    now = 2000;
    for (let i = 0; i < 500; i++) await limiter.consume(`other-${i}`);
    // The sweep at the 1000th call dropped the first 500.
    expect(limiter.size).toBe(500);
  });
});

describe("FailoverRateLimiter", () => {
  const failing = (): RateLimiter & { calls: number; fail: boolean } => {
    const stub = {
      limit: 2,
      windowMs: 60_000,
      calls: 0,
      fail: true,
      async consume() {
        stub.calls++;
        if (stub.fail) throw new Error("Connection is closed.");
        return { allowed: true, remaining: 99, resetMs: 1 };
      },
      async close() {},
    };
    return stub;
  };

  it("falls back to memory with one warning, retries the primary later, and says when it is back", async () => {
    vi.useFakeTimers({ now: 0 });
    try {
      const primary = failing();
      const logger = { warn: vi.fn(), info: vi.fn() };
      const limiter = new FailoverRateLimiter(primary, new MemoryRateLimiter(2, 60_000), logger, 5000);
      const decisions = [];
      for (let i = 0; i < 3; i++) decisions.push(await limiter.consume("k"));
      expect(decisions.map((d) => d.allowed)).toEqual([true, true, false]);
      expect(limiter.degraded).toBe(true);
      expect(logger.warn).toHaveBeenCalledTimes(1);
      // While down, the primary is not asked again until the retry time.
      expect(primary.calls).toBe(1);
      vi.setSystemTime(6000);
      await limiter.consume("k");
      expect(primary.calls).toBe(2);
      expect(logger.warn).toHaveBeenCalledTimes(1);
      primary.fail = false;
      vi.setSystemTime(12_000);
      expect(await limiter.consume("k")).toEqual({ allowed: true, remaining: 99, resetMs: 1 });
      expect(limiter.degraded).toBe(false);
      expect(logger.info).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("createRateLimiter", () => {
  const logger = { warn: vi.fn(), info: vi.fn() };
  it("is off with RATE_LIMIT_REQUESTS=0 and in memory without REDIS_URL", async () => {
    expect(
      await createRateLimiter({ RATE_LIMIT_REQUESTS: 0, RATE_LIMIT_WINDOW_MS: 1000, RATE_LIMIT_PREFIX: "t:" }, logger),
    ).toBeUndefined();
    expect(
      await createRateLimiter({ RATE_LIMIT_REQUESTS: 5, RATE_LIMIT_WINDOW_MS: 1000, RATE_LIMIT_PREFIX: "t:" }, logger),
    ).toBeInstanceOf(MemoryRateLimiter);
  });

  it("with an unreachable Redis, still answers at once (from memory) and warns once", async () => {
    const warn = vi.fn();
    const limiter = (await createRateLimiter(
      {
        RATE_LIMIT_REQUESTS: 1,
        RATE_LIMIT_WINDOW_MS: 60_000,
        RATE_LIMIT_PREFIX: "t:",
        REDIS_URL: "redis://127.0.0.1:1",
      },
      { warn, info: vi.fn() },
    ))!;
    const started = performance.now();
    expect((await limiter.consume("k")).allowed).toBe(true);
    expect((await limiter.consume("k")).allowed).toBe(false);
    expect(performance.now() - started).toBeLessThan(500);
    expect(warn).toHaveBeenCalledTimes(1);
    await limiter.close();
  });
});

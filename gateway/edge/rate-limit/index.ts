// The gateway's rate limiter from its settings: none when RATE_LIMIT_REQUESTS is 0, shared through
// Redis (falling back to memory while Redis is down) when REDIS_URL is set, in memory otherwise.
import type { Logger } from "pino";
import type { EdgeSettings } from "../settings.ts";
import { FailoverRateLimiter } from "./failover.ts";
import { MemoryRateLimiter } from "../../../lib/rate-limit/memory.ts";
import { RedisRateLimiter } from "./redis.ts";
import type { RateLimiter } from "../../../lib/rate-limit/types.ts";

export type { RateDecision, RateLimiter } from "../../../lib/rate-limit/types.ts";
export { MemoryRateLimiter, RedisRateLimiter, FailoverRateLimiter };

type Settings = Pick<EdgeSettings, "RATE_LIMIT_REQUESTS" | "RATE_LIMIT_WINDOW_MS" | "REDIS_URL" | "RATE_LIMIT_PREFIX">;

export async function createRateLimiter(
  settings: Settings,
  logger: Pick<Logger, "warn" | "info">,
): Promise<RateLimiter | undefined> {
  const limit = settings.RATE_LIMIT_REQUESTS;
  const windowMs = settings.RATE_LIMIT_WINDOW_MS;
  if (limit === 0) return undefined;
  const memory = new MemoryRateLimiter(limit, windowMs);
  if (!settings.REDIS_URL) return memory;
  const redis = new RedisRateLimiter({ url: settings.REDIS_URL, limit, windowMs, prefix: settings.RATE_LIMIT_PREFIX });
  const limiter = new FailoverRateLimiter(redis, memory, logger);
  // Not connected yet: the first request finds out, falls back, and warns once.
  await redis.connect();
  return limiter;
}

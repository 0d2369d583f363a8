// Rate limiting shared through Redis: every gateway replica counts a client in the same key, so
// together they enforce one budget. One Lua script increments the counter and sets the window's
// expiry atomically (no request can slip between a read and a write on another replica).
import { Redis } from "ioredis";
import type { RateDecision, RateLimiter } from "../../../lib/rate-limit/types.ts";

// KEYS[1]: the client's counter; ARGV[1]: the window in ms. Returns the count and the ms left.
const CONSUME = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { count, ttl }
`;

type WithConsume = Redis & { rateLimitConsume(key: string, windowMs: number): Promise<[number, number]> };

export interface RedisLimiterOptions {
  url: string;
  limit: number;
  windowMs: number;
  /** Prepended to every key: one prefix per deployment (and per test) sharing a Redis. */
  prefix: string;
  /** A Redis call slower than this fails (and the caller falls back): requests never wait on Redis. */
  commandTimeoutMs?: number;
}

export class RedisRateLimiter implements RateLimiter {
  readonly limit: number;
  readonly windowMs: number;
  private readonly redis: WithConsume;

  constructor(private readonly options: RedisLimiterOptions) {
    this.limit = options.limit;
    this.windowMs = options.windowMs;
    this.redis = new Redis(options.url, {
      // Fail at once while disconnected instead of queueing: a request must not wait for Redis.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 250,
      connectTimeout: 1000,
      // Keep trying to reconnect, at most every 2 s, for as long as the gateway runs.
      retryStrategy: (times) => Math.min(times * 200, 2000),
      lazyConnect: true,
    }) as WithConsume;
    this.redis.defineCommand("rateLimitConsume", { numberOfKeys: 1, lua: CONSUME });
    // Connection errors are reported through consume() failing; without a listener ioredis prints them.
    this.redis.on("error", () => {});
  }

  /** Connects; resolves false (and keeps retrying in the background) when Redis is not there. */
  async connect(): Promise<boolean> {
    try {
      await this.redis.connect();
      return true;
    } catch {
      return false;
    }
  }

  async consume(key: string): Promise<RateDecision> {
    const [count, ttl] = await this.redis.rateLimitConsume(`${this.options.prefix}${key}`, this.windowMs);
    return { allowed: count <= this.limit, remaining: Math.max(0, this.limit - count), resetMs: Math.max(0, ttl) };
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}

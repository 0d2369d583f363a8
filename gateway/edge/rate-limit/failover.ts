// Redis first, memory when Redis fails: a request is never refused or delayed because Redis is down.
// The switch is logged once per outage (a warning), and so is the return; while Redis is down it is
// tried again every `retryMs`, the in-memory budget counting meanwhile.
import type { Logger } from "pino";
import type { RateDecision, RateLimiter } from "../../../lib/rate-limit/types.ts";

export class FailoverRateLimiter implements RateLimiter {
  private downUntil = 0;
  private down = false;

  constructor(
    private readonly primary: RateLimiter,
    private readonly fallback: RateLimiter,
    private readonly logger: Pick<Logger, "warn" | "info">,
    private readonly retryMs = 5000,
  ) {}

  get limit(): number {
    return this.primary.limit;
  }

  get windowMs(): number {
    return this.primary.windowMs;
  }

  /** True while requests are counted in memory. */
  get degraded(): boolean {
    return this.down;
  }

  async consume(key: string): Promise<RateDecision> {
    if (this.down && Date.now() < this.downUntil) return this.fallback.consume(key);
    try {
      const decision = await this.primary.consume(key);
      if (this.down) {
        this.down = false;
        this.logger.info("rate limiting is shared through Redis again");
      }
      return decision;
    } catch (e) {
      if (!this.down) {
        this.down = true;
        this.logger.warn(
          { err: (e as Error).message },
          "Redis is unreachable: rate limiting per replica, in memory, until it is back",
        );
      }
      this.downUntil = Date.now() + this.retryMs;
      return this.fallback.consume(key);
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.primary.close(), this.fallback.close()]);
  }
}

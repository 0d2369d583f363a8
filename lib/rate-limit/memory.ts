// Rate limiting inside one process: one gateway replica's own budget (or every replica's, each
// counting separately, when no Redis is configured).
import type { RateDecision, RateLimiter } from "./types.ts";

export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  private calls = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async consume(key: string): Promise<RateDecision> {
    const now = this.now();
    // Forget finished windows now and then, so that a stream of one-off clients cannot grow the map.
    if (++this.calls % 1000 === 0) this.sweep(now);
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      w = { count: 0, resetAt: now + this.windowMs };
      this.windows.set(key, w);
    }
    w.count++;
    return { allowed: w.count <= this.limit, remaining: Math.max(0, this.limit - w.count), resetMs: w.resetAt - now };
  }

  /** Clients with a window still open (for tests and the sweep). */
  get size(): number {
    return this.windows.size;
  }

  sweep(now = this.now()): void {
    for (const [key, w] of this.windows) if (w.resetAt <= now) this.windows.delete(key);
  }

  async close(): Promise<void> {
    this.windows.clear();
  }
}

// A rate limiter: a budget of `limit` requests per client per window. Fixed windows: a client's
// window starts at its first request and its count resets when the window ends (one counter and one
// expiry per client, in memory or in Redis). A client may burst its whole budget at once; that is
// the price of one atomic counter per client instead of a log of timestamps.
export interface RateDecision {
  allowed: boolean;
  /** Requests left in the current window (0 when refused). */
  remaining: number;
  /** Milliseconds until the window resets. */
  resetMs: number;
}

export interface RateLimiter {
  readonly limit: number;
  readonly windowMs: number;
  consume(key: string): Promise<RateDecision>;
  close(): Promise<void>;
}

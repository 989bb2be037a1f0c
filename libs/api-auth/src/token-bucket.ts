export interface RateLimit {
  /** Sustained requests per second. */
  perSecond: number;
  /** Requests allowed at once after a quiet period. */
  burst: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  refilledAt: number;
}

/** In-memory token buckets, one per key: each process limits on its own. */
export class TokenBucketLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limit: RateLimit,
    // Monotonic, so a wall-clock adjustment neither drains nor refills the buckets.
    private readonly nowMs: () => number = () => performance.now(),
  ) {
    if (!(limit.perSecond > 0) || !(limit.burst >= 1)) {
      throw new RangeError(`rate limit needs perSecond > 0 and burst >= 1, got ${JSON.stringify(limit)}`);
    }
  }

  take(key: string): RateDecision {
    const now = this.nowMs();
    const bucket = this.buckets.get(key) ?? { tokens: this.limit.burst, refilledAt: now };
    const elapsedSeconds = Math.max(0, now - bucket.refilledAt) / 1000;
    const tokens = Math.min(this.limit.burst, bucket.tokens + elapsedSeconds * this.limit.perSecond);
    if (tokens >= 1) {
      this.buckets.set(key, { tokens: tokens - 1, refilledAt: now });
      return { allowed: true };
    }
    this.buckets.set(key, { tokens, refilledAt: now });
    // Retry-After has whole seconds; rounding down would invite a retry that fails again.
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / this.limit.perSecond)) };
  }
}

export interface TakeResult {
  allowed: boolean;
  /** Whole seconds until one token is back; 0 when allowed. */
  retryAfterSeconds: number;
}

/** What useAuthentication spends a token of: local buckets, or shared ones that may need a KV round trip. */
export interface RateLimiter {
  take(key: string): TakeResult | Promise<TakeResult>;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

const MAX_BUCKETS = 100_000;

/**
 * One token bucket per key, in process memory: `capacity` requests at once,
 * refilled at `refillPerSecond`. Each replica's own: the gateway without
 * NATS, and the fallback of SharedTokenBucketLimiter while KV is away.
 * Least recently used buckets are dropped first when memory runs short.
 */
export class TokenBucketLimiter implements RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly options: { capacity: number; refillPerSecond: number; now?: () => number }) {}

  take(key: string): TakeResult {
    const now = this.options.now?.() ?? Date.now();
    const { capacity, refillPerSecond } = this.options;
    const bucket = this.buckets.get(key) ?? { tokens: capacity, updatedAt: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.updatedAt) / 1000) * refillPerSecond);
    bucket.updatedAt = now;
    // Re-inserted so the map's order is least recently used first.
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    if (this.buckets.size > MAX_BUCKETS) this.buckets.delete(this.buckets.keys().next().value!);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, retryAfterSeconds: 0 };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / refillPerSecond)) };
  }
}

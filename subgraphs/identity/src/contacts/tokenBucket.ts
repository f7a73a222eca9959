/**
 * In-process token buckets, one per key: `capacity` tokens, refilled
 * continuously at `refillPerMs`. Idle full buckets are dropped so the map
 * does not grow with every viewer ever seen.
 */
export class TokenBucket {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly capacity: number,
    private readonly refillPerMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes `cost` tokens, or none: returns 0 when allowed, else the milliseconds until it would be. */
  take(key: string, cost: number): number {
    const now = this.now();
    this.prune(now);
    const bucket = this.buckets.get(key) ?? { tokens: this.capacity, at: now };
    bucket.tokens = Math.min(this.capacity, bucket.tokens + (now - bucket.at) * this.refillPerMs);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (cost > this.capacity) return Number.POSITIVE_INFINITY;
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return 0;
    }
    return Math.ceil((cost - bucket.tokens) / this.refillPerMs);
  }

  private prune(now: number): void {
    if (this.buckets.size < 10_000) return;
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.at) * this.refillPerMs >= this.capacity) this.buckets.delete(key);
    }
  }
}

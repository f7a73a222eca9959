import type { Logger } from '@profile-graph/core';
import type { RateLimitStore, SharedBucketState } from './rateLimitStore';
import { TokenBucketLimiter, type RateLimiter, type TakeResult } from './tokenBucketLimiter';

export interface SharedLimiterOptions {
  capacity: number;
  refillPerSecond: number;
  logger: Logger;
  now?: () => number;
  /** Called for every decision taken on the local bucket instead of the shared one (counted). */
  onFallback?: (reason: 'unavailable' | 'failing') => void;
}

/** A lease is a few tokens taken from the shared bucket at once: this fraction of the capacity (at least one). */
const LEASE_FRACTION = 1 / 20;
/** Tokens of a lease older than this are not spent but handed back with the next lease (see the class comment). */
const LEASE_MS = 1_000;
/** Compare-and-set attempts of one lease (other replicas writing the same bucket) before the request falls back to the local bucket. */
const MAX_ATTEMPTS = 5;
/** Leases one request may wait for (each grants a token to someone, or refuses) before it falls back to the local bucket. */
const MAX_ROUNDS = 1_000;
/** Store failures are logged at most this often. */
const WARN_EVERY_MS = 10_000;

interface Lease {
  tokens: number;
  at: number;
  /** What this replica last wrote to the shared bucket: the next lease tries its compare-and-set on it without reading first. */
  written?: { state: SharedBucketState; revision: number };
  /** When tokens are 0: no token in the shared bucket before this (refused locally until then, without asking). */
  nextTokenAt: number;
}

const MAX_LEASES = 100_000;

/**
 * One token bucket per key shared by every gateway replica (N gateways
 * enforce one limit), at a low cost per request: the shared bucket lives in
 * a store (NATS KV, compare-and-set), and each gateway takes tokens from it
 * a lease at a time, so most requests spend a local token and only one in
 * `capacity / 20` (and the first after a pause) waits for a KV round trip.
 * Concurrent requests of one key share that round trip, and the lease is
 * then as large as the number of them waiting.
 *
 * Accuracy: leased tokens are already taken from the shared bucket, so the
 * replicas together never admit more than the bucket allows, except that a
 * lease spent up to LEASE_MS after it was taken may meet a bucket refilled
 * meanwhile (at most min(lease, refill x LEASE_MS) extra per replica). The
 * other way, tokens leased by a replica the client stopped using are missing
 * from the shared bucket (at most lease - 1 per replica) until it refills.
 *
 * Fails open to per-replica buckets: while the store is unreachable (or a
 * write loses too many races) a request spends a token of this gateway's own
 * bucket, so limits keep working, N times looser, rather than refusing
 * everyone. Revocations, unlike limits, fail closed (identityLink.ts).
 */
export class SharedTokenBucketLimiter implements RateLimiter {
  private readonly local: TokenBucketLimiter;
  private readonly leases = new Map<string, Lease>();
  private readonly inflight = new Map<string, Promise<void>>();
  /** Requests per key waiting for a lease: the next lease takes enough for all of them (they spend it at once, nothing is stranded). */
  private readonly waiting = new Map<string, number>();
  private readonly leaseSize: number;
  private store: RateLimitStore | undefined;
  private lastWarnAt = 0;

  constructor(private readonly options: SharedLimiterOptions) {
    this.local = new TokenBucketLimiter({ capacity: options.capacity, refillPerSecond: options.refillPerSecond, ...(options.now ? { now: options.now } : {}) });
    this.leaseSize = Math.max(1, Math.floor(options.capacity * LEASE_FRACTION));
  }

  /** From now on buckets are shared through `store` (until then, and without NATS, they are this process's own). */
  attach(store: RateLimitStore): void {
    this.store = store;
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  take(key: string): TakeResult | Promise<TakeResult> {
    const store = this.store;
    if (!store) return this.local.take(key);
    if (!store.isAvailable()) {
      this.options.onFallback?.('unavailable');
      return this.local.take(key);
    }
    return this.fromLease(key) ?? this.takeShared(store, key);
  }

  /** The local fast path: a token of a fresh lease, or a refusal while the shared bucket is known to be empty. */
  private fromLease(key: string): TakeResult | undefined {
    const lease = this.leases.get(key);
    if (!lease) return undefined;
    const now = this.now();
    if (lease.tokens >= 1 && now - lease.at < LEASE_MS) {
      lease.tokens -= 1;
      return { allowed: true, retryAfterSeconds: 0 };
    }
    if (lease.tokens < 1 && now < lease.nextTokenAt) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((lease.nextTokenAt - now) / 1000)) };
    return undefined;
  }

  private async takeShared(store: RateLimitStore, key: string): Promise<TakeResult> {
    this.waiting.set(key, (this.waiting.get(key) ?? 0) + 1);
    try {
      // Each round's lease grants a token to at least one waiter or refuses them all, so this ends.
      for (let round = 0; round < MAX_ROUNDS; round++) {
        // One lease in flight per key: concurrent requests of one viewer wait for it instead of racing each other in KV.
        let pending = this.inflight.get(key);
        if (!pending) {
          pending = this.lease(store, key).finally(() => this.inflight.delete(key));
          this.inflight.set(key, pending);
        }
        try {
          await pending;
        } catch (error) {
          this.warn(error);
          this.options.onFallback?.('failing');
          return this.local.take(key);
        }
        const taken = this.fromLease(key);
        if (taken) return taken;
      }
      this.options.onFallback?.('failing');
      return this.local.take(key);
    } finally {
      const left = (this.waiting.get(key) ?? 1) - 1;
      if (left > 0) this.waiting.set(key, left);
      else this.waiting.delete(key);
    }
  }

  /** Reads the shared bucket, refills it, takes a lease (and hands back a stale one), and writes it back if nobody else did. */
  private async lease(store: RateLimitStore, key: string): Promise<void> {
    const { capacity, refillPerSecond } = this.options;
    const old = this.leases.get(key);
    const handBack = old ? Math.max(0, Math.floor(old.tokens)) : 0;
    const wanted = Math.max(this.leaseSize, this.waiting.get(key) ?? 0);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      // The first attempt guesses instead of reading: this replica's own last write (a viewer's requests often reach one
      // replica), or no entry at all (a viewer not seen lately, whose entry expired full). Right: one round trip, not two.
      // Wrong: the compare-and-set fails and the next attempt reads.
      const { state, revision } = attempt === 0 ? (old?.written ?? { state: null, revision: 0 }) : await store.read(key);
      const now = this.now();
      const refilled = state ? Math.min(capacity, state.tokens + (Math.max(0, now - state.at) / 1000) * refillPerSecond) : capacity;
      const available = Math.min(capacity, refilled + handBack);
      const granted = Math.min(wanted, Math.floor(available));
      const left = available - granted;
      // Until it is full again; then the entry may go (absent is full).
      const ttlSeconds = (capacity - left) / refillPerSecond + 1;
      if (granted === 0 && handBack === 0 && attempt > 0) {
        // Nothing to take and nothing to return (as read just now): no write, refuse locally until the next token is due.
        this.setLease(key, { tokens: 0, at: now, nextTokenAt: now + ((1 - left) / refillPerSecond) * 1000 });
        return;
      }
      const written = { state: { tokens: left, at: now }, revision: 0 };
      const stored = await store.write(key, written.state, revision, ttlSeconds);
      if (stored !== false) {
        written.revision = stored;
        this.setLease(key, { tokens: granted, at: now, nextTokenAt: granted > 0 ? now : now + ((1 - left) / refillPerSecond) * 1000, written });
        return;
      }
    }
    throw new Error('the shared rate-limit bucket kept changing under us');
  }

  private setLease(key: string, lease: Lease): void {
    this.leases.delete(key);
    this.leases.set(key, lease);
    if (this.leases.size > MAX_LEASES) this.leases.delete(this.leases.keys().next().value!);
  }

  private warn(error: unknown): void {
    const now = Date.now();
    if (now - this.lastWarnAt < WARN_EVERY_MS) return;
    this.lastWarnAt = now;
    this.options.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'shared rate limits unavailable; this gateway limits on its own for now');
  }
}

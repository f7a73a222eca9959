import { AppError } from '@profile-graph/kit';

export interface SignInThrottleOptions {
  /** Failures allowed per handle before each further attempt must wait. */
  freeFailuresPerHandle: number;
  /** Failures allowed per client IP (higher: many people share an address behind NAT). */
  freeFailuresPerIp: number;
  /** Upper bound of the wait, seconds. */
  maxDelaySeconds: number;
  /** Failures older than this are forgotten. */
  windowSeconds: number;
  now?: () => number;
}

interface Entry {
  failures: number;
  lastFailureAt: number;
}

/** Entries kept per map at most; the oldest go first, so a flood of handles cannot exhaust memory. */
const MAX_ENTRIES = 100_000;

/**
 * Slows down password guessing: after a few failures for a handle (or from an
 * IP), each further attempt must wait an exponentially growing delay, capped.
 * A throttled attempt is refused before the password is even checked, so it
 * costs no scrypt time. Per process: with N identity replicas an attacker
 * gets N times the allowance, still exponential; a shared store is future work.
 */
export class SignInThrottle {
  private readonly byHandle = new Map<string, Entry>();
  private readonly byIp = new Map<string, Entry>();
  private readonly now: () => number;

  constructor(private readonly options: SignInThrottleOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Throws RATE_LIMITED with `retryAfterSeconds` when either the handle or the IP must wait. */
  check(handle: string, ip: string | undefined): void {
    const wait = Math.max(
      this.waitMs(this.byHandle, handle, this.options.freeFailuresPerHandle),
      ip ? this.waitMs(this.byIp, ip, this.options.freeFailuresPerIp) : 0,
    );
    if (wait > 0) {
      const retryAfterSeconds = Math.ceil(wait / 1000);
      throw new AppError('RATE_LIMITED', `Too many failed sign-ins; try again in ${retryAfterSeconds} s.`, { retryAfterSeconds });
    }
  }

  recordFailure(handle: string, ip: string | undefined): void {
    this.bump(this.byHandle, handle);
    if (ip) this.bump(this.byIp, ip);
  }

  /** A correct password clears the handle's count; the IP's stays (one right guess must not unlock a spray). */
  recordSuccess(handle: string): void {
    this.byHandle.delete(handle);
  }

  private waitMs(map: Map<string, Entry>, key: string, free: number): number {
    const entry = this.live(map, key);
    if (!entry || entry.failures < free) return 0;
    const delayMs = Math.min(2 ** (entry.failures - free) * 1000, this.options.maxDelaySeconds * 1000);
    return Math.max(0, entry.lastFailureAt + delayMs - this.now());
  }

  private live(map: Map<string, Entry>, key: string): Entry | undefined {
    const entry = map.get(key);
    if (entry && this.now() - entry.lastFailureAt > this.options.windowSeconds * 1000) {
      map.delete(key);
      return undefined;
    }
    return entry;
  }

  private bump(map: Map<string, Entry>, key: string): void {
    const entry = this.live(map, key) ?? { failures: 0, lastFailureAt: 0 };
    entry.failures += 1;
    entry.lastFailureAt = this.now();
    map.delete(key);
    map.set(key, entry);
    if (map.size > MAX_ENTRIES) map.delete(map.keys().next().value!);
  }
}

import { createLogger } from '@profile-graph/core';
import type { RateLimitStore, SharedBucketState } from './rateLimitStore';
import { SharedTokenBucketLimiter } from './sharedTokenBucketLimiter';

/** The compare-and-set contract of NatsRateLimitStore, in memory (the real one is exercised in test/e2e/sharedGatewayState.test.ts). */
class MemoryStore implements RateLimitStore {
  readonly entries = new Map<string, { state: SharedBucketState; revision: number }>();
  available = true;
  failing = false;
  reads = 0;
  writes = 0;
  private revision = 0;

  async read(key: string) {
    this.reads++;
    if (this.failing) throw new Error('timeout');
    const entry = this.entries.get(key);
    return entry ? { state: { ...entry.state }, revision: entry.revision } : { state: null, revision: 0 };
  }

  async write(key: string, state: SharedBucketState, revision: number) {
    this.writes++;
    if (this.failing) throw new Error('timeout');
    if ((this.entries.get(key)?.revision ?? 0) !== revision) return false;
    this.entries.set(key, { state: { ...state }, revision: ++this.revision });
    return this.revision;
  }

  isAvailable() {
    return this.available;
  }
}

const logger = createLogger({ name: 'test', level: 'silent' });

describe('SharedTokenBucketLimiter', () => {
  let now = 1_000_000;
  const clock = () => now;
  const fallbacks: string[] = [];
  beforeEach(() => {
    fallbacks.length = 0;
  });
  const replicas = (store: RateLimitStore, count: number, capacity = 40, refillPerSecond = 1) =>
    Array.from({ length: count }, () => {
      const limiter = new SharedTokenBucketLimiter({ capacity, refillPerSecond, logger, now: clock, onFallback: (reason) => fallbacks.push(reason) });
      limiter.attach(store);
      return limiter;
    });
  const allowedOf = async (takes: (ReturnType<SharedTokenBucketLimiter['take']>)[]) => (await Promise.all(takes)).filter((t) => t.allowed).length;

  it('lets three replicas together admit one capacity, concurrently, and refuses the rest with Retry-After', async () => {
    const store = new MemoryStore();
    const limiters = replicas(store, 3);
    const takes = Array.from({ length: 120 }, (_, i) => limiters[i % 3]!.take('user:u1'));
    const results = await Promise.all(takes);
    expect(fallbacks).toEqual([]);
    const allowed = results.filter((t) => t.allowed).length;
    // Never more than the capacity; fewer only by the leases left on the replicas (2 - 1 each).
    expect(allowed).toBeLessThanOrEqual(40);
    expect(allowed).toBeGreaterThanOrEqual(40 - 3);
    expect(results.find((t) => !t.allowed)?.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    // Leases of 2: about one store round trip per two requests, not one per request (refusals are remembered locally).
    expect(store.reads).toBeLessThan(120);
  });

  it('refills the shared bucket with time, and keeps keys apart', async () => {
    const store = new MemoryStore();
    const [one, two] = replicas(store, 2);
    expect(await allowedOf(Array.from({ length: 50 }, () => one!.take('ip:1')))).toBeLessThanOrEqual(40);
    expect((await two!.take('ip:2')).allowed).toBe(true);
    now += 10_000;
    // Ten seconds at one token a second: about ten more, whichever replica asks (the first's refusal is remembered until the next token is due).
    const later = await allowedOf(Array.from({ length: 30 }, (_, i) => (i % 2 ? one! : two!).take('ip:1')));
    expect(later).toBeGreaterThanOrEqual(8);
    expect(later).toBeLessThanOrEqual(11);
  });

  it('spends local lease tokens without asking the store, writes on a guessed revision (its own last, or none), and hands back a stale lease instead of spending it', async () => {
    const store = new MemoryStore();
    const [one, two] = replicas(store, 2, 40, 0.1);
    await one!.take('k');
    expect([store.reads, store.writes]).toEqual([0, 1]);
    expect((await one!.take('k')).allowed).toBe(true);
    expect([store.reads, store.writes]).toEqual([0, 1]);
    // A lease of 2, both spent: 38 left in the store. The next lease is one compare-and-set on what it wrote (no read); 1 of 2 spent, then it goes stale:
    await one!.take('k');
    expect([store.reads, store.writes]).toEqual([0, 2]);
    now += 1_500;
    await one!.take('k');
    expect([store.reads, store.writes]).toEqual([0, 3]);
    // 36 + 0.15 refilled + 1 handed back - 2 leased.
    expect([...store.entries.values()][0]!.state.tokens).toBeCloseTo(35.15, 5);
    // Another replica, new to the key, guesses "no entry", fails, reads, writes; the first one's revision is then stale:
    // its compare-and-set fails, it reads, and counts right.
    await two!.take('k');
    expect(store.reads).toBe(1);
    now += 1_500;
    await one!.take('k');
    expect(store.reads).toBe(2);
    expect([...store.entries.values()][0]!.state.tokens).toBeCloseTo(35.15 - 2 + 0.15 + 1 - 2, 5);
  });

  it('fails open to a local bucket per replica when the store is unreachable or failing', async () => {
    const store = new MemoryStore();
    const [one, two] = replicas(store, 2, 10);
    store.available = false;
    expect(await allowedOf(Array.from({ length: 20 }, () => one!.take('k')))).toBe(10);
    store.available = true;
    store.failing = true;
    // Each replica's own bucket: this one is fresh.
    expect(await allowedOf(Array.from({ length: 20 }, () => two!.take('k')))).toBe(10);
    // Every such decision is counted, by why.
    expect(fallbacks.filter((reason) => reason === 'unavailable')).toHaveLength(20);
    expect(fallbacks.filter((reason) => reason === 'failing')).toHaveLength(20);
  });
});

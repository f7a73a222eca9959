// What the shared state costs per request, against a real nats-server (not a test: prints figures).
//   node gateway/test/e2e/reliability/runTs.js gateway/test/bench/sharedStateCost.ts
// Measures, sequentially (one request at a time, so each figure is latency, not throughput):
//   - the local token bucket (the cost before this change),
//   - the shared limiter for one busy viewer (leases: mostly local, one KV round trip per lease),
//   - the shared limiter for viewers seen for the first time (every take is a KV compare-and-set),
//   - the same viewers on a second replica (a failed guess, a read, a compare-and-set: the worst case),
//   - the revocation check every authenticated request makes (with 10,000 revocations held).
import { performance } from 'node:perf_hooks';
import { connectNats, createLogger, ensureRevocationBucket, putRevocation } from '@profile-graph/core';
import { startNats } from '@profile-graph/dev-services';
import { RevocationList } from '../../src/auth/revocationList';
import { NatsRateLimitStore } from '../../src/limits/rateLimitStore';
import { SharedTokenBucketLimiter } from '../../src/limits/sharedTokenBucketLimiter';
import { TokenBucketLimiter } from '../../src/limits/tokenBucketLimiter';

const logger = createLogger({ name: 'bench', level: 'silent' });

function summary(label: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = samples.reduce((sum, x) => sum + x, 0) / samples.length;
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const us = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;
  return `${label.padEnd(62)} n=${String(samples.length).padStart(6)}  mean ${us(mean).padStart(10)}  p50 ${us(at(0.5)).padStart(10)}  p99 ${us(at(0.99)).padStart(10)}`;
}

async function timed(n: number, run: (i: number) => unknown): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await run(i);
    samples.push(performance.now() - started);
  }
  return samples;
}

async function main(): Promise<void> {
  const nats = await startNats({});
  const connect = (role: 'gateway' | 'identity' | 'admin') => connectNats({ url: nats.url, role, nkeySeed: nats.credentials[role].seed, name: `bench-${role}`, timeoutMs: 5_000 });
  const [admin, identity, gateway] = await Promise.all([connect('admin'), connect('identity'), connect('gateway')]);
  try {
    await ensureRevocationBucket(await admin.jetstreamManager());
    const js = identity.jetstream();
    const expires = new Date(Date.now() + 3_600_000);
    for (let i = 0; i < 10_000; i++) await putRevocation(js, 'session', `s${i}`, expires);
    const started = performance.now();
    const revocations = await RevocationList.start({ nc: gateway, logger, staleAfterMs: 3_000, startupTimeoutMs: 5_000 });
    const loadMs = performance.now() - started;

    const capacity = 120;
    const refillPerSecond = 10;
    const lines: string[] = [];
    const local = new TokenBucketLimiter({ capacity, refillPerSecond });
    lines.push(summary('local bucket (before), one viewer', await timed(20_000, () => local.take('user:hot'))));
    const shared = new SharedTokenBucketLimiter({ capacity: 1_000_000, refillPerSecond: 1_000_000, logger });
    shared.attach(await NatsRateLimitStore.create(gateway));
    lines.push(summary('shared, one busy viewer (leases of capacity/20)', await timed(20_000, () => shared.take('user:hot'))));
    const realistic = new SharedTokenBucketLimiter({ capacity, refillPerSecond, logger });
    realistic.attach(await NatsRateLimitStore.create(gateway));
    // 10 requests a second for 2 s of simulated use: at this capacity a lease is 6 tokens.
    lines.push(summary(`shared, one viewer at capacity ${capacity} (lease 6)`, await timed(120, () => realistic.take('user:steady'))));
    lines.push(summary('shared, a new viewer every request (one CAS, no entry yet)', await timed(2_000, (i) => shared.take(`user:cold${i}`))));
    // The same viewers on a second replica: its guess (no entry) is wrong, so CAS, read, CAS: the worst case.
    const replica = new SharedTokenBucketLimiter({ capacity: 1_000_000, refillPerSecond: 1_000_000, logger });
    replica.attach(await NatsRateLimitStore.create(gateway));
    lines.push(summary('shared, viewers first seen by another replica (CAS+read+CAS)', await timed(2_000, (i) => replica.take(`user:cold${i}`))));
    lines.push(summary('revocation check (isCurrent + 2 lookups, 10,000 held)', await timed(20_000, (i) => revocations.isCurrent() && revocations.isRevoked('session', `s${i}`) && revocations.isRevoked('user', `u${i}`))));
    console.log(`revocations: ${revocations.size()} entries loaded at start in ${loadMs.toFixed(0)} ms`);
    console.log(lines.join('\n'));
    revocations.stop();
  } finally {
    for (const nc of [admin, identity, gateway]) await nc.close();
    await nats.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

import { request } from 'node:http';
import { startTestEnvironment, type TestEnvironment } from '@profile-graph/kit/testing';
import { spawnGateway, type SubgraphProcess } from './reliability/spawnSubgraph';

const CAPACITY = 40;
const REFILL_PER_SECOND = 0.5;
/** Lease size of SharedTokenBucketLimiter at this capacity: capacity / 20. */
const LEASE = 2;
const WORKERS = 2;

/** One request on a connection of its own: node:cluster hands connections, not requests, to the workers. */
function fresh(url: string, init: { method?: string; body?: string } = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', agent: false, headers: init.body ? { 'content-type': 'application/json' } : {} }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer from ${url} within 10 s`)));
    req.end(init.body);
  });
}

/** The id of the worker that answered a /metrics scrape, and its count of answered GraphQL requests by status. */
async function scrape(metricsUrl: string): Promise<{ worker: string; graphql: Record<string, number> }> {
  const { text } = await fresh(metricsUrl);
  const worker = /^gateway_worker\{[^}]*worker="(\d+)"[^}]*\} 1$/m.exec(text)?.[1];
  if (!worker) throw new Error(`no gateway_worker line in /metrics: ${text.slice(0, 300)}`);
  const graphql: Record<string, number> = {};
  for (const match of text.matchAll(/^http_requests_total\{[^}]*route="\/graphql"[^}]*status="(\d+)"[^}]*\} (\d+)/gm)) graphql[match[1]!] = Number(match[2]);
  return { worker, graphql };
}

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('not within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// GATEWAY_WORKERS=2: one gateway made of two processes on one port (node:cluster), whose rate limits are
// one limit because they live in NATS KV, as for separate replicas (sharedGatewayState.test.ts).
describe('GATEWAY_WORKERS=2', () => {
  let env: TestEnvironment;
  let gateway: SubgraphProcess;

  beforeAll(async () => {
    env = await startTestEnvironment();
    gateway = await spawnGateway({
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      GATEWAY_WORKERS: String(WORKERS),
      VIEWER_PRIVATE_KEY: env.viewerKeys.privateKey,
      SESSION_PUBLIC_KEY: env.sessionKeys.publicKey,
      NATS_URL: env.nats.url,
      NATS_NKEY_SEED: env.nats.credentials.gateway.seed,
      RATE_LIMIT_CAPACITY: String(CAPACITY),
      RATE_LIMIT_REFILL_PER_SECOND: String(REFILL_PER_SECOND),
      // Each worker transpiles the sources on start (runTs.js): two at once take a while on a busy machine.
    }, undefined, { readyTimeoutMs: 120_000 });
    // /ready answered once one worker listened; the primary announces when both do.
    await until(() => /gateway ready at [^"]+ \(2 workers\)/.test(gateway.output()));
  }, 200_000);

  afterAll(async () => {
    await gateway?.stop();
    await env?.stop();
  });

  it('serves from two worker processes and holds an anonymous burst spread over both to one capacity', async () => {
    const metricsUrl = gateway.url.replace('/graphql', '/metrics');

    const started = Date.now();
    const statuses = await Promise.all(
      Array.from({ length: 3 * CAPACITY }, () => fresh(gateway.url, { method: 'POST', body: JSON.stringify({ query: '{ __typename }' }) }).then((r) => r.status)),
    );
    const seconds = (Date.now() - started) / 1000;
    expect(statuses.filter((status) => status !== 200 && status !== 429)).toEqual([]);
    const allowed = statuses.filter((status) => status === 200).length;
    console.log(`${WORKERS} workers, capacity ${CAPACITY}: an address's burst of ${3 * CAPACITY} let through ${allowed} in ${seconds.toFixed(2)} s`);
    // One capacity for both, within a lease per worker (stranded or spent late) and the refill meanwhile.
    expect(allowed).toBeGreaterThanOrEqual(CAPACITY - WORKERS * (LEASE - 1));
    expect(allowed).toBeLessThanOrEqual(CAPACITY + Math.ceil(seconds * REFILL_PER_SECOND) + WORKERS * LEASE);
    // Each worker's own bucket would have let through about twice as many.
    expect(allowed).toBeLessThan(1.5 * CAPACITY);

    // Scrapes land on either worker: each must have answered part of the burst, and refused part of it.
    const seen = new Map<string, Record<string, number>>();
    for (let i = 0; i < 60 && seen.size < WORKERS; i += 1) {
      const { worker, graphql } = await scrape(metricsUrl);
      seen.set(worker, graphql);
    }
    expect(seen.size).toBe(WORKERS);
    for (const [, graphql] of seen) expect((graphql['200'] ?? 0) + (graphql['429'] ?? 0)).toBeGreaterThan(0);
    const total = [...seen.values()].reduce((sum, graphql) => sum + (graphql['200'] ?? 0), 0);
    expect(total).toBe(allowed);
  }, 60_000);

  it('replaces a worker that dies, and stops every worker on SIGTERM with exit 0', async () => {
    const metricsUrl = gateway.url.replace('/graphql', '/metrics');
    const ready = [...gateway.output().matchAll(/"worker":(\d+),"workerPid":(\d+)[^\n]*gateway worker ready/g)].map((m) => ({ id: m[1]!, pid: Number(m[2]) }));
    expect(new Set(ready.map((w) => w.pid)).size).toBe(WORKERS);
    const [dead, alive] = ready as [{ id: string; pid: number }, { id: string; pid: number }];
    process.kill(dead.pid, 'SIGKILL');
    // Connections the primary handed over before it saw the exit are lost with the worker (as with any crash).
    await until(() => gateway.output().includes('gateway worker exited; starting another'));
    // The other worker keeps serving meanwhile, and a third one takes the dead one's place.
    expect((await fresh(gateway.url.replace('/graphql', '/ready'))).status).toBe(200);
    await until(() => /"worker":3,"workerPid":\d+[^\n]*gateway worker ready/.test(gateway.output()));
    const workers = new Set<string>();
    for (let i = 0; i < 60 && workers.size < WORKERS; i += 1) workers.add((await scrape(metricsUrl)).worker);
    expect([...workers].sort()).toEqual([alive.id, '3'].sort());

    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toBe('code 0');
  }, 120_000);
});

import { eventually } from '@profile-graph/kit/testing';
import { spawnGateway, type SubgraphProcess } from './reliability/spawnSubgraph';
import { startGraph, type TestGraph } from '../support/startGraph';
import { sseClient, wsClient, type Feed } from '../support/liveClients';
import WebSocket from 'ws';

/** One sample of the gateway's /metrics (labels ignored; the first matching line). */
async function sample(gateway: SubgraphProcess, name: string): Promise<number> {
  const text = await (await fetch(gateway.url.replace('/graphql', '/metrics'))).text();
  const line = text.split('\n').find((entry) => entry.startsWith(`${name}{`) || entry.startsWith(`${name} `));
  return Number(line?.split(' ').at(-1) ?? NaN);
}

/** A full garbage collection in the gateway process, through its inspector (started with --inspect on a free port). */
async function collectGarbage(gateway: SubgraphProcess): Promise<void> {
  const url = /Debugger listening on (ws:\/\/\S+)/.exec(gateway.output())?.[1];
  if (!url) throw new Error('the gateway has no inspector');
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  await new Promise<void>((resolve) => {
    socket.on('message', (data) => {
      if ((JSON.parse(String(data)) as { id?: number }).id === 1) resolve();
    });
    socket.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' }));
  });
  socket.close();
}

// The gateway as its own process (main.ts), so SIGTERM is the real signal path.
describe('subscriptions on a gateway process', () => {
  let graph: TestGraph;
  let gateway: SubgraphProcess;
  const clients: { dispose(): void }[] = [];

  const gatewayEnv = (extra: Record<string, string> = {}) => ({
    PATH: process.env.PATH,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    VIEWER_PRIVATE_KEY: graph.env.viewerKeys.privateKey,
    SESSION_PUBLIC_KEY: graph.env.sessionKeys.publicKey,
    NATS_URL: graph.env.nats.url,
    NATS_NKEY_SEED: graph.env.nats.credentials.gateway.seed,
    SUBGRAPH_IDENTITY_URL: graph.subgraphUrls.identity,
    SUBGRAPH_HIRING_URL: graph.subgraphUrls.hiring,
    SUBGRAPH_CONSENT_URL: graph.subgraphUrls.consent,
    SUBGRAPH_CALLS_URL: graph.subgraphUrls.calls,
    ...extra,
  });

  beforeAll(async () => {
    graph = await startGraph();
  }, 60_000);
  afterEach(async () => {
    for (const made of clients.splice(0)) made.dispose();
    await gateway?.stop();
  });
  afterAll(async () => {
    await graph?.stop();
  });

  it('closes every subscription with a last frame on SIGTERM, then exits 0', async () => {
    gateway = await spawnGateway(gatewayEnv());
    const users = await Promise.all([1, 2, 3].map((n) => graph.signUp(`sigterm_${n}`, `Sigterm ${n}`)));
    const feeds: { transport: string; feed: Feed; closes?: { code: number }[] }[] = [];
    for (const user of users) {
      const sse = sseClient(gateway.url, { authorization: `Bearer ${user.token}` });
      const ws = wsClient(gateway.url, { authorization: `Bearer ${user.token}` });
      clients.push(sse, ws);
      feeds.push({ transport: 'sse', feed: sse.subscribe('subscription { incomingCall { id } }') });
      feeds.push({ transport: 'ws', feed: ws.subscribe('subscription { incomingCall { id } }'), closes: ws.closes });
    }
    await eventually(async () => expect(await sample(gateway, 'subscriptions_open')).toBe(6));

    const signalled = Date.now();
    gateway.child.kill('SIGTERM');
    for (const { transport, feed, closes } of feeds) {
      const { error, at } = await feed.ended;
      expect({ transport, error }).toEqual({ transport, error: undefined });
      expect(feed.frames).toHaveLength(1);
      expect(feed.frames[0]!.errors?.[0]?.extensions?.['code']).toBe('SERVICE_UNAVAILABLE');
      expect(feed.frames[0]!.errors?.[0]?.message).toMatch(/shutting down/);
      expect(at - signalled).toBeLessThan(2_000);
      // A clean close either way: the client's own (1000) once nothing is left on the connection, or the gateway's 1001.
      if (closes) await eventually(async () => expect(closes.map((close) => close.code).filter((code) => code === 1000 || code === 1001)).toHaveLength(1));
    }
    expect(await gateway.exited).toBe('code 0');
    console.log(`SIGTERM -> process exited: ${Date.now() - signalled} ms`);
  });

  it('holds 500 concurrent subscriptions, and keeps no memory for them once they close', async () => {
    gateway = await spawnGateway(gatewayEnv({ SUBSCRIPTIONS_PER_VIEWER: '100', RATE_LIMIT_CAPACITY: '1000', NODE_OPTIONS: '--inspect=127.0.0.1:0' }));
    const users = await Promise.all(Array.from({ length: 10 }, (_, n) => graph.signUp(`many_${n}`, `Many ${n}`)));
    const memory = async () => (await collectGarbage(gateway), { heapMb: (await sample(gateway, 'nodejs_heap_size_used_bytes')) / 2 ** 20, rssMb: (await sample(gateway, 'process_resident_memory_bytes')) / 2 ** 20 });
    const round = async () => {
      const opened: Feed[] = [];
      const made: { dispose(): void }[] = [];
      for (const user of users) {
        // Per user: 25 subscriptions over one graphql-ws connection, 25 over their own SSE connections.
        const ws = wsClient(gateway.url, { authorization: `Bearer ${user.token}` });
        const sse = sseClient(gateway.url, { authorization: `Bearer ${user.token}` });
        made.push(ws, sse);
        for (let i = 0; i < 25; i++) opened.push(ws.subscribe('subscription { incomingCall { id } }'), sse.subscribe('subscription { myConsentChanged { purpose } }'));
      }
      await eventually(async () => expect(await sample(gateway, 'subscriptions_open')).toBe(500), 30_000);
      const open = await memory();
      for (const client of made) client.dispose();
      await eventually(async () => expect(await sample(gateway, 'subscriptions_open')).toBe(0), 30_000);
      return open;
    };
    const before = await memory();
    const first = await round();
    const afterFirst = await memory();
    const second = await round();
    const afterSecond = await memory();
    console.log(`500 subscriptions: before ${JSON.stringify(before)}, open ${JSON.stringify(first)}, closed ${JSON.stringify(afterFirst)}, open again ${JSON.stringify(second)}, closed again ${JSON.stringify(afterSecond)} (MB)`);
    // A second round of 500 leaves the heap where the first left it: nothing is kept per subscription.
    expect(afterSecond.heapMb - afterFirst.heapMb).toBeLessThan(2);
    expect(afterSecond.rssMb - afterFirst.rssMb).toBeLessThan(10);
  }, 120_000);
});

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VIEWER_HEADER, createSessionSigner, type Viewer } from '@profile-graph/core';
import { startTestEnvironment, type TestEnvironment } from '@profile-graph/kit/testing';
import { loadGatewayConfig } from '../../src/config/loadGatewayConfig';
import { createGateway, type Gateway } from '../../src/createGateway';

const WORKLOAD = join(__dirname, '../../../scripts/bench/gatewayWorkload');
const SUBGRAPH_NAMES = ['accounts', 'inventory', 'products', 'reviews'];
const { getFreePort } = require('../../../scripts/lib/services.js') as { getFreePort(): Promise<number> };

/** The bench's own modules are ESM; a child node prints what the test needs from them. */
function fromWorkload(urls: Record<string, string>): { supergraph: string; expected: unknown; body: string } {
  const script = `
    const { composeWorkloadSupergraph } = await import(${JSON.stringify(join(WORKLOAD, 'composeWorkloadSupergraph.mjs'))});
    const { expectedResponse } = await import(${JSON.stringify(join(WORKLOAD, 'expectedResponse.mjs'))});
    const { WORKLOAD_BODY } = await import(${JSON.stringify(join(WORKLOAD, 'workloadQuery.mjs'))});
    process.stdout.write(JSON.stringify({ supergraph: composeWorkloadSupergraph(${JSON.stringify(urls)}), expected: expectedResponse().response, body: WORKLOAD_BODY }));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
}

async function untilReady(url: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} never became ready`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A pass-through in front of a subgraph that records which viewer each call was signed for, and can hold
 * every answer a while so that concurrent requests overlap.
 */
function recordingProxy(target: string) {
  const viewers: Viewer[] = [];
  const state = { holdMs: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const token = String(req.headers[VIEWER_HEADER] ?? '');
        viewers.push((JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8') || '{}') as { viewer: Viewer }).viewer);
        if (state.holdMs) await new Promise((resolve) => setTimeout(resolve, state.holdMs));
        const answer = await fetch(target, { method: req.method ?? 'POST', headers: { 'content-type': 'application/json', [VIEWER_HEADER]: token }, body: Buffer.concat(chunks) });
        res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
        res.end(await answer.text());
      })().catch(() => res.destroy());
    });
  });
  return {
    viewers,
    state,
    listen: () => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const keyPair = () => generateKeyPairSync('ed25519', { publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });

// `npm run bench -- --scenario gateway` measures this gateway on the public gateway benchmark's
// workload; its numbers mean something only while the gateway, in production with every plugin on,
// answers that workload's query with exactly the expected data (limits, authorization and the
// signed viewer all let it through, and nothing is lost across the four subgraphs).
describe('the gateway benchmark workload through this gateway', () => {
  const children: ChildProcess[] = [];
  let env: TestEnvironment;
  let gateway: Gateway;
  let url: string;
  let expected: unknown;
  let body: string;
  const session = keyPair();
  let accounts: ReturnType<typeof recordingProxy>;

  beforeAll(async () => {
    // Production requires NATS (revocations, shared rate limits); the test environment's has the revocations bucket.
    env = await startTestEnvironment();
    const urls: Record<string, string> = {};
    for (const name of SUBGRAPH_NAMES) {
      const port = await getFreePort();
      children.push(spawn(process.execPath, [join(WORKLOAD, 'subgraphServer.mjs'), name], { env: { PATH: process.env.PATH, PORT: String(port) }, stdio: 'ignore' }));
      await untilReady(`http://127.0.0.1:${port}/ready`);
      urls[name] = `http://127.0.0.1:${port}/graphql`;
    }
    accounts = recordingProxy(urls.accounts!);
    urls.accounts = await accounts.listen();
    const workload = fromWorkload(urls);
    ({ expected, body } = workload);
    const supergraphPath = join(mkdtempSync(join(tmpdir(), 'bench-workload-')), 'supergraph.graphql');
    writeFileSync(supergraphPath, workload.supergraph);
    const config = loadGatewayConfig(['--supergraph', supergraphPath, '--port', '0'], {
      NODE_ENV: 'production',
      LOG_LEVEL: 'silent',
      VIEWER_PRIVATE_KEY: keyPair().privateKey,
      SESSION_PUBLIC_KEY: session.publicKey,
      RATE_LIMIT_CAPACITY: '100000',
      RATE_LIMIT_REFILL_PER_SECOND: '10000',
      NATS_URL: env.nats.url,
      NATS_NKEY_SEED: env.nats.credentials.gateway.seed,
    });
    gateway = createGateway(config);
    ({ url } = await gateway.listen(0));
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
    await accounts?.close();
    for (const child of children) child.kill();
    await env?.stop();
  });

  const post = (headers: Record<string, string> = {}) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('answers the anonymous query with the expected 87 KB of data', async () => {
    const response = await post();
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(text.length).toBeGreaterThan(80_000);
    expect(JSON.parse(text)).toEqual(expected);
  });

  it('answers a signed-in viewer with the same data, and refuses a forged session token', async () => {
    const sign = await createSessionSigner(session.privateKey, { ttlSeconds: 600, kid: 'k1' });
    const { token } = await sign({ userId: 'aaaaaaaaaaaaaaaaaaaaaaaa', sessionId: randomUUID() });
    const signedIn = await post({ authorization: `Bearer ${token}` });
    expect(signedIn.status).toBe(200);
    expect(await signedIn.json()).toEqual(expected);

    // The bench's signed-in entry counts on a bad token failing, not on it quietly becoming anonymous.
    const forged = await createSessionSigner(keyPair().privateKey, { ttlSeconds: 600, kid: 'k1' });
    const refused = await post({ authorization: `Bearer ${(await forged({ userId: 'aaaaaaaaaaaaaaaaaaaaaaaa', sessionId: randomUUID() })).token}` });
    const refusedBody = (await refused.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
    expect(refusedBody.data ?? null).toBeNull();
    expect(refusedBody.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  // Issue 19: 1,000 signed-in users reading public data made 1,000 times the subgraph calls anonymous traffic
  // made, since fetches were shared only within one viewer. The workload declares its data @viewerIndependent.
  it("signs fetches of declared public data for nobody and shares them across signed-in users, but not `me`", async () => {
    const sign = await createSessionSigner(session.privateKey, { ttlSeconds: 600, kid: 'k1' });
    const users = Array.from({ length: 12 }, (_, i) => `${'c'.repeat(22)}${String(i).padStart(2, '0')}`);
    const tokens = await Promise.all(users.map((userId) => sign({ userId, sessionId: randomUUID() })));
    accounts.viewers.length = 0;
    accounts.state.holdMs = 300; // so the twelve requests are in flight together
    try {
      const answers = await Promise.all(tokens.map(({ token }) => post({ authorization: `Bearer ${token}` })));
      for (const answer of answers) expect(await answer.json()).toEqual(expected);
      expect(accounts.viewers.length).toBeGreaterThan(0);
      expect(accounts.viewers.every((viewer) => viewer.kind === 'anonymous' && viewer.userId === undefined)).toBe(true);
      // Without sharing: at least one call per user (the root `users` fetch alone is twelve).
      expect(accounts.viewers.length).toBeLessThan(users.length);

      accounts.viewers.length = 0;
      const me = await Promise.all(
        tokens.slice(0, 2).map(({ token }) =>
          fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: '{ me { id } }' }) }),
        ),
      );
      for (const answer of me) expect(answer.status).toBe(200);
      expect(accounts.viewers.map((viewer) => viewer.userId).sort()).toEqual(users.slice(0, 2));
    } finally {
      accounts.state.holdMs = 0;
    }
  }, 60_000);

  // Issue 19: every subgraph call used to leave an 'abort' listener on the HTTP executor's shared dispose
  // signal until garbage collection (the runtime's upstreamTimeout combined signals); hundreds piled up.
  it('answers 60 concurrent requests, anonymous and signed in, with never more than 10 abort listeners on one signal', async () => {
    // Node warns (MaxListenersExceededWarning) past 10; jest does not hand process warnings to tests, so the listeners are counted.
    const live = new Map<EventTarget, number>();
    let most = 0;
    const original = { add: EventTarget.prototype.addEventListener, remove: EventTarget.prototype.removeEventListener };
    const add = jest.spyOn(EventTarget.prototype, 'addEventListener');
    const remove = jest.spyOn(EventTarget.prototype, 'removeEventListener');
    add.mockImplementation(function (this: EventTarget, type, listener, options) {
      if (type === 'abort' && this instanceof AbortSignal) {
        const count = (live.get(this) ?? 0) + 1;
        live.set(this, count);
        most = Math.max(most, count);
      }
      return original.add.call(this, type, listener, options);
    });
    remove.mockImplementation(function (this: EventTarget, type, listener, options) {
      if (type === 'abort' && this instanceof AbortSignal && live.has(this)) live.set(this, Math.max(0, live.get(this)! - 1));
      return original.remove.call(this, type, listener, options);
    });
    try {
      const sign = await createSessionSigner(session.privateKey, { ttlSeconds: 600, kid: 'k1' });
      const tokens = await Promise.all(Array.from({ length: 30 }, (_, i) => sign({ userId: `${'b'.repeat(22)}${String(i).padStart(2, '0')}`, sessionId: randomUUID() })));
      const responses = await Promise.all([
        ...Array.from({ length: 30 }, () => post()),
        ...tokens.map(({ token }) => post({ authorization: `Bearer ${token}` })),
      ]);
      for (const response of responses) expect(await response.json()).toEqual(expected);
      expect(most).toBeGreaterThan(0);
      expect(most).toBeLessThanOrEqual(10);
    } finally {
      add.mockRestore();
      remove.mockRestore();
    }
  }, 60_000);
});

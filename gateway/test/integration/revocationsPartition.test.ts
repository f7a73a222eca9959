import { randomUUID } from 'node:crypto';
import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createSessionSigner, putRevocation } from '@profile-graph/core';
import { postGraphQL, startTestEnvironment, type TestEnvironment } from '@profile-graph/kit/testing';
import { createGateway, type Gateway } from '../../src/createGateway';
import { testGatewayConfig } from '../support/startSubgraphs';

const STALE_AFTER_MS = 600;

/** A TCP hop between the gateway and NATS that can go silent without closing anything: a partition, not a crash. */
async function startFreezableProxy(port: number) {
  const sockets: Socket[] = [];
  let frozen = false;
  const server: Server = createServer((client) => {
    const upstream = tcpConnect(port, '127.0.0.1');
    client.pipe(upstream);
    upstream.pipe(client);
    for (const socket of [client, upstream]) {
      sockets.push(socket);
      socket.on('error', () => undefined);
      if (frozen) socket.pause();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `nats://127.0.0.1:${(server.address() as AddressInfo).port}`,
    // Paused sockets read nothing: bytes wait in the kernel, neither side sees a close.
    freeze: () => {
      frozen = true;
      for (const socket of sockets) socket.pause();
    },
    thaw: () => {
      frozen = false;
      for (const socket of sockets) socket.resume();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// A silent partition between a gateway and NATS shows no disconnect for
// minutes (the client's pings are far apart). The gateway's own ping makes
// it stop vouching for its revocations after REVOCATIONS_STALE_AFTER_MS, and
// when NATS answers again it reads the bucket before accepting tokens, so a
// sign-out written during the silence is never missed.
describe('revocations through a silent partition', () => {
  let env: TestEnvironment;
  let proxy: Awaited<ReturnType<typeof startFreezableProxy>>;
  let gateway: Gateway;
  let url: string;

  beforeAll(async () => {
    env = await startTestEnvironment();
    proxy = await startFreezableProxy(Number(new URL(env.nats.url).port));
    const nowhere = 'http://127.0.0.1:9/graphql';
    gateway = createGateway(
      testGatewayConfig(env, { identity: nowhere, hiring: nowhere, consent: nowhere, calls: nowhere }, { NATS_URL: proxy.url, REVOCATIONS_STALE_AFTER_MS: String(STALE_AFTER_MS) }),
    );
    url = (await gateway.listen(0)).url;
  });

  afterAll(async () => {
    proxy?.thaw();
    await gateway?.close();
    await proxy?.close();
    await env?.stop();
  });

  it('refuses user tokens with 503 within the bound, then applies what was revoked meanwhile before accepting any', async () => {
    const sign = await createSessionSigner(env.sessionKeys.privateKey, { ttlSeconds: 900, kid: 'k1' });
    const revokedSession = randomUUID();
    const keptSession = randomUUID();
    const revoked = (await sign({ userId: randomUUID(), sessionId: revokedSession })).token;
    const kept = (await sign({ userId: randomUUID(), sessionId: keptSession })).token;
    const ask = (token: string) => postGraphQL(url, '{ __typename }', {}, { authorization: `Bearer ${token}` });
    expect((await ask(revoked)).body).toEqual({ data: { __typename: 'Query' } });

    proxy.freeze();
    const frozenAt = Date.now();
    let refusedAfter = 0;
    for (;;) {
      const response = await ask(revoked);
      if (response.status === 503) {
        expect(response.body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
        refusedAfter = Date.now() - frozenAt;
        break;
      }
      expect(response.body.data).toEqual({ __typename: 'Query' });
      if (Date.now() - frozenAt > 5_000) throw new Error('still accepted 5 s into the partition');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // Stale after STALE_AFTER_MS without an answer; the ping runs every third of it.
    expect(refusedAfter).toBeGreaterThanOrEqual(STALE_AFTER_MS - STALE_AFTER_MS / 3 - 50);
    expect(refusedAfter).toBeLessThan(STALE_AFTER_MS + STALE_AFTER_MS / 3 + 500);

    // identity signs the session out while the gateway cannot hear it.
    const identity = await env.connectNats('identity');
    await putRevocation(identity.jetstream(), 'session', revokedSession, new Date(Date.now() + 900_000));
    await identity.close();

    proxy.thaw();
    const thawedAt = Date.now();
    const seen: number[] = [];
    for (;;) {
      const response = await ask(revoked);
      seen.push(response.status);
      if (response.status === 401) break;
      if (Date.now() - thawedAt > 10_000) throw new Error(`not refused 10 s after the partition: ${seen.join(',')}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // Never accepted in between: only 503 until the revocation was applied.
    expect(seen.filter((status) => status !== 503 && status !== 401)).toEqual([]);
    expect((await ask(kept)).body).toEqual({ data: { __typename: 'Query' } });
    console.log(`silent partition: user tokens refused (503) ${refusedAfter} ms into it; the revocation written during it applied ${Date.now() - thawedAt} ms after it ended`);
  }, 30_000);

  it('keeps vouching through a stall of its own event loop longer than the bound: a late loop is not a silent server', async () => {
    const sign = await createSessionSigner(env.sessionKeys.privateKey, { ttlSeconds: 900, kid: 'k1' });
    const token = (await sign({ userId: randomUUID(), sessionId: randomUUID() })).token;
    const ask = () => postGraphQL(url, '{ __typename }', {}, { authorization: `Bearer ${token}` });
    expect((await ask()).body).toEqual({ data: { __typename: 'Query' } });
    // The gateway runs in this process: a synchronous wait stalls its loop (its pings and their answers) too.
    const until = Date.now() + STALE_AFTER_MS * 2.5;
    while (Date.now() < until) {
      // busy: a CPU-bound stretch, as under a loaded machine
    }
    expect((await ask()).body).toEqual({ data: { __typename: 'Query' } });
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { bearerTokenCheck } from './bearerTokenCheck';
import { createRequestListener } from './createRequestListener';

describe('createRequestListener', () => {
  let server: Server;
  let origin: string;
  let ready = false;
  let sandbox = true;
  const engine = jest.fn((_req, res) => res.writeHead(404).end());

  beforeAll(async () => {
    server = createServer((req, res) => createRequestListener({ graphqlEndpoint: '/graphql', sandbox, isReady: () => ready, engine })(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('answers /health with 503 until the supergraph is loaded, then 200', async () => {
    ready = false;
    expect((await fetch(`${origin}/health`)).status).toBe(503);
    ready = true;
    const response = await fetch(`${origin}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('serves the Sandbox page when enabled and hands everything else to the engine', async () => {
    sandbox = true;
    expect(await (await fetch(`${origin}/`)).text()).toContain('EmbeddedSandbox');
    await fetch(`${origin}/graphql`, { method: 'POST' });
    expect(engine).toHaveBeenCalledTimes(1);
  });

  it('leaves / to the engine when the Sandbox is off', async () => {
    sandbox = false;
    expect((await fetch(`${origin}/`)).status).toBe(404);
  });

  it('serves /metrics only to the scraper holding the token when one is required', async () => {
    const token = 'scraper-token-0123456789';
    const guarded = createServer(
      createRequestListener({
        graphqlEndpoint: '/graphql',
        sandbox: false,
        isReady: () => true,
        engine,
        metrics: async () => ({ contentType: 'text/plain', body: 'http_requests_total 1' }),
        metricsAllowed: bearerTokenCheck(createHash('sha256').update(token).digest('hex')),
      }),
    );
    await new Promise<void>((resolve) => guarded.listen(0, '127.0.0.1', resolve));
    const at = `http://127.0.0.1:${(guarded.address() as AddressInfo).port}/metrics`;
    try {
      const anonymous = await fetch(at);
      expect(anonymous.status).toBe(401);
      expect(await anonymous.text()).not.toContain('http_requests_total');
      expect((await fetch(at, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      const scraper = await fetch(at, { headers: { authorization: `Bearer ${token}` } });
      expect(scraper.status).toBe(200);
      expect(await scraper.text()).toContain('http_requests_total 1');
    } finally {
      await new Promise<void>((resolve) => guarded.close(() => resolve()));
    }
  });

  it('refuses everyone when a token is required but none is configured (production without METRICS_TOKEN_SHA256)', () => {
    const allowed = bearerTokenCheck(undefined);
    expect(allowed({ headers: { authorization: 'Bearer anything' } } as never)).toBe(false);
  });
});

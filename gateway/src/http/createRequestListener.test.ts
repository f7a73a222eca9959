import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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
});

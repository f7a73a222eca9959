import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createHiring, loadHiringConfig } from '@profile-graph/hiring';
import { eventually } from '@profile-graph/kit/testing';
import { startGraph, type TestGraph } from '../support/startGraph';

const UPSTREAM_TIMEOUT_MS = 1_500;
const ME = 'query { me { id handle hiringProfile { headline } } }';

type ErrorBody = { message: string; path?: unknown[]; extensions?: Record<string, unknown> };

// A subgraph that is down (refuses connections) or hung (accepts and never
// answers): the gateway still answers with what the other subgraphs have,
// names the missing one, and does so within UPSTREAM_TIMEOUT_MS.
describe('a subgraph down or hung', () => {
  let graph: TestGraph;
  let ada: { id: string; token: string };
  let hiringPort: number;

  beforeAll(async () => {
    graph = await startGraph({ UPSTREAM_TIMEOUT_MS: String(UPSTREAM_TIMEOUT_MS) });
    ada = await graph.signUp('ada_down', 'Ada');
    await eventually(async () => {
      const response = await graph.query('mutation { updateHiringProfile(input: { headline: "Engines" }) { headline } }', {}, ada.token);
      if (response.body.errors) throw new Error(JSON.stringify(response.body.errors));
    });
    hiringPort = Number(new URL(graph.subgraphUrls.hiring).port);
  });

  afterAll(async () => {
    await graph?.stop();
  });

  it('returns the other subgraphs data and SERVICE_UNAVAILABLE naming hiring when hiring is down, then recovers', async () => {
    const before = await graph.query(ME, {}, ada.token);
    expect(before.body).toEqual({ data: { me: { id: ada.id, handle: 'ada_down', hiringProfile: { headline: 'Engines' } } } });

    await graph.subgraphs.hiring.close();
    const started = Date.now();
    const down = await graph.query(ME, {}, ada.token);
    const elapsed = Date.now() - started;
    expect(down.status).toBe(200);
    expect(down.body.data).toEqual({ me: { id: ada.id, handle: 'ada_down', hiringProfile: null } });
    const errors = down.body.errors as ErrorBody[];
    expect(errors).toHaveLength(1);
    expect(errors[0]!.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', service: 'hiring' });
    expect(errors[0]!.message).toMatch(/hiring/);
    expect(JSON.stringify(errors)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|stack/);
    expect(elapsed).toBeLessThan(UPSTREAM_TIMEOUT_MS);

    // Back on the same port (what a restarted pod behind a stable address looks like).
    const hiring = await createHiring(loadHiringConfig(graph.env.subgraphEnv('hiring', { UPSTREAM_TIMEOUT_MS: String(UPSTREAM_TIMEOUT_MS) })));
    await hiring.listen(hiringPort);
    graph.subgraphs.hiring = hiring;
    const after = await eventually(async () => {
      const response = await graph.query(ME, {}, ada.token);
      if (response.body.errors) throw new Error(JSON.stringify(response.body.errors));
      return response;
    });
    expect(after.body.data.me.hiringProfile).toEqual({ headline: 'Engines' });
  });

  it('gives up on a hung subgraph within UPSTREAM_TIMEOUT_MS and still returns the rest', async () => {
    const sockets = new Set<Socket>();
    const hung: Server = createServer((socket) => {
      sockets.add(socket); // accept, read, never answer
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    const hungUrl = `http://127.0.0.1:${(hung.address() as AddressInfo).port}/graphql`;
    const gateway = await graph.startGateway({ SUBGRAPH_HIRING_URL: hungUrl, UPSTREAM_TIMEOUT_MS: '1000' });
    try {
      const started = Date.now();
      const response = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ada.token}` },
        body: JSON.stringify({ query: ME }),
      });
      const elapsed = Date.now() - started;
      const body = (await response.json()) as { data: unknown; errors: ErrorBody[] };
      expect(response.status).toBe(200);
      expect(body.data).toEqual({ me: { id: ada.id, handle: 'ada_down', hiringProfile: null } });
      expect(body.errors.map((e) => e.extensions)).toEqual([expect.objectContaining({ code: 'SERVICE_UNAVAILABLE', service: 'hiring' })]);
      expect(elapsed).toBeGreaterThanOrEqual(900);
      expect(elapsed).toBeLessThan(1000 + 1_000);
    } finally {
      await gateway.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => hung.close(() => resolve()));
    }
  });
});

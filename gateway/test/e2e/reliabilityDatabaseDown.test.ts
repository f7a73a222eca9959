import { startMongo, type MongoHandle } from '@profile-graph/dev-services';
import { eventually } from '@profile-graph/kit/testing';
import { startGraph, type TestGraph } from '../support/startGraph';

const ME = 'query { me { id handle hiringProfile { headline } } }';
type ErrorBody = { message: string; extensions?: Record<string, unknown> };

async function readiness(graphqlUrl: string): Promise<{ status: number; checks: Record<string, boolean> }> {
  const response = await fetch(graphqlUrl.replace('/graphql', '/ready'));
  return { status: response.status, checks: ((await response.json()) as { checks: Record<string, boolean> }).checks };
}

// The run's shared MongoDB-wire server must not be stopped, so this file
// starts its own and stops it mid-test.
describe('MongoDB down', () => {
  let mongo: MongoHandle;
  let graph: TestGraph;
  let ada: { id: string; token: string };

  beforeAll(async () => {
    mongo = await startMongo({});
    graph = await startGraph({ MONGODB_URI: mongo.uri, STARTUP_TIMEOUT_MS: '3000' });
    ada = await graph.signUp('ada_db', 'Ada');
    await eventually(async () => {
      const response = await graph.query('mutation { updateHiringProfile(input: { headline: "Engines" }) { headline } }', {}, ada.token);
      if (response.body.errors) throw new Error(JSON.stringify(response.body.errors));
    });
  }, 60_000);

  afterAll(async () => {
    await graph?.stop();
    await mongo?.stop();
  });

  it('turns readiness false, answers SERVICE_UNAVAILABLE naming the subgraph quickly, and recovers when the database is back', async () => {
    await mongo.stop();

    for (const name of ['identity', 'hiring', 'consent', 'calls'] as const) {
      const ready = await eventually(async () => {
        const result = await readiness(graph.subgraphUrls[name]);
        expect(result.status).toBe(503);
        return result;
      }, 15_000, 100);
      expect(ready.checks.database).toBe(false);
    }

    const started = Date.now();
    const down = await graph.query(ME, {}, ada.token);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(down.status).toBeLessThan(500);
    const errors = down.body.errors as ErrorBody[];
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) expect(error.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', service: expect.stringMatching(/identity|hiring/) });
    expect(JSON.stringify(down.body)).not.toMatch(/Mongo|ECONNREFUSED|27017|stack/i);

    // A write is refused too, and nothing half-happens.
    const write = await graph.query('mutation { updateHiringProfile(input: { headline: "Lost" }) { headline } }', {}, ada.token);
    expect((write.body.errors as ErrorBody[])[0]!.extensions?.code).toBe('SERVICE_UNAVAILABLE');

    await mongo.restart();
    for (const name of ['identity', 'hiring', 'consent', 'calls'] as const) {
      await eventually(async () => expect((await readiness(graph.subgraphUrls[name])).status).toBe(200), 30_000, 100);
    }
    const back = await eventually(async () => {
      const response = await graph.query(ME, {}, ada.token);
      if (response.body.errors) throw new Error(JSON.stringify(response.body.errors));
      return response;
    }, 10_000);
    expect(back.body.data.me).toEqual({ id: ada.id, handle: 'ada_db', hiringProfile: { headline: 'Engines' } });
  }, 60_000);
});

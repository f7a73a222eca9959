import { startGraph, type TestGraph } from '../support/startGraph';

// Concurrent identical operations from different viewers must never share a
// subgraph response: `{ me { ... } }` has the same text for everyone, and
// only the signed viewer tells the subgraph who is asking.
describe('responses are never shared across viewers', () => {
  let graph: TestGraph;
  let users: { id: string; token: string }[];

  beforeAll(async () => {
    graph = await startGraph();
    users = [];
    for (let i = 0; i < 8; i += 1) users.push(await graph.signUp(`isolated_${i}`));
  });

  afterAll(async () => {
    await graph?.stop();
  });

  it('answers each of many concurrent identical queries for its own viewer', async () => {
    const mismatches: string[] = [];
    for (let round = 0; round < 15; round += 1) {
      const responses = await Promise.all(users.map((user) => graph.query('{ me { id handle hiringProfile { headline } } }', {}, user.token)));
      responses.forEach((response, i) => {
        const me = response.body.data?.me;
        if (me?.id !== users[i]!.id || response.body.errors) mismatches.push(`round ${round}: viewer ${users[i]!.id} got ${JSON.stringify(response.body)}`);
      });
    }
    expect(mismatches).toEqual([]);
  });
});

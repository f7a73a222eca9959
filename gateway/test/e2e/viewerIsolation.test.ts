import { gatewayClient } from '../support/startSubgraphs';
import { startGraph, type TestGraph } from '../support/startGraph';
import { startHoldingProxy, type HoldingProxy } from '../support/startHoldingProxy';

const ME = '{ me { id handle hiringProfile { headline } } }';

// Concurrent identical operations from different viewers must never share a
// subgraph response: `{ me { ... } }` has the same text for everyone, and
// only the signed viewer tells the subgraph who is asking. The gateway does
// share identical in-flight subgraph queries (SUBGRAPH_DEDUP, on by default),
// but only within one viewer.
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
      const responses = await Promise.all(users.map((user) => graph.query(ME, {}, user.token)));
      responses.forEach((response, i) => {
        const me = response.body.data?.me;
        if (me?.id !== users[i]!.id || response.body.errors) mismatches.push(`round ${round}: viewer ${users[i]!.id} got ${JSON.stringify(response.body)}`);
      });
    }
    expect(mismatches).toEqual([]);
  });

  describe('with identity behind a proxy that holds each call, so a burst is in flight at once', () => {
    const HOLD_MS = 1_000;
    const PER_USER = 4;
    let proxy: HoldingProxy;

    beforeAll(async () => {
      proxy = await startHoldingProxy(graph.subgraphUrls.identity, HOLD_MS);
    });

    afterAll(async () => {
      await proxy?.close();
    });

    /** A gateway over the proxy, warmed up (planner, keys) so the burst reaches the subgraph together. */
    async function gatewayOverProxy(dedup: 'on' | 'off') {
      const gateway = await graph.startGateway({ SUBGRAPH_IDENTITY_URL: proxy.url, SUBGRAPH_DEDUP: dedup });
      const client = gatewayClient(gateway.url);
      const warm = await client.query(ME, {}, users[7]!.token);
      expect(warm.body.data?.me?.id).toBe(users[7]!.id);
      proxy.calls.length = 0;
      return { ...gateway, client };
    }

    /** PER_USER identical `me` queries for each of the first three users, all at once, interleaved. */
    async function burst(client: ReturnType<typeof gatewayClient>) {
      const askers = [0, 1, 2].flatMap((u) => Array.from({ length: PER_USER }, () => users[u]!)).sort((a, b) => (a.id < b.id ? -1 : 1));
      const responses = await Promise.all(askers.map((user) => client.query(ME, {}, user.token)));
      const wrong = responses.flatMap((response, i) =>
        response.body.data?.me?.id === askers[i]!.id && !response.body.errors ? [] : [`${askers[i]!.id} got ${JSON.stringify(response.body)}`],
      );
      const callsPerViewer: Record<string, number> = {};
      for (const call of proxy.calls) {
        const who = call.viewer?.userId ?? '(none)';
        callsPerViewer[who] = (callsPerViewer[who] ?? 0) + 1;
      }
      return { wrong, callsPerViewer };
    }

    it('with dedup on, makes one identity call per viewer for a burst of identical queries, and each answer is its own', async () => {
      const gateway = await gatewayOverProxy('on');
      try {
        const { wrong, callsPerViewer } = await burst(gateway.client);
        expect(wrong).toEqual([]);
        expect(callsPerViewer).toEqual({ [users[0]!.id]: 1, [users[1]!.id]: 1, [users[2]!.id]: 1 });
      } finally {
        await gateway.close();
      }
    });

    it('with dedup off, makes one identity call per request (the same burst, so the one-per-viewer above is the sharing)', async () => {
      const gateway = await gatewayOverProxy('off');
      try {
        const { wrong, callsPerViewer } = await burst(gateway.client);
        expect(wrong).toEqual([]);
        expect(callsPerViewer).toEqual({ [users[0]!.id]: PER_USER, [users[1]!.id]: PER_USER, [users[2]!.id]: PER_USER });
      } finally {
        await gateway.close();
      }
    });

    it('with dedup on, never shares a mutation: identical concurrent ones by one user each run', async () => {
      const gateway = await gatewayOverProxy('on');
      try {
        const user = users[3]!;
        const responses = await Promise.all(
          Array.from({ length: 3 }, () => gateway.client.query('mutation { createOrganization(input: { name: "Same Name Co" }) { id name } }', {}, user.token)),
        );
        for (const response of responses) expect(response.body.errors).toBeUndefined();
        const ids = new Set(responses.map((response) => response.body.data?.createOrganization?.id));
        expect(ids.size).toBe(3);
        expect(proxy.calls.filter((call) => call.body.includes('createOrganization'))).toHaveLength(3);
        expect(proxy.calls.every((call) => call.viewer?.userId === user.id)).toBe(true);
      } finally {
        await gateway.close();
      }
    });
  });
});

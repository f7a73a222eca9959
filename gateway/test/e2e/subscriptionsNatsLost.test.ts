import { eventually } from '@profile-graph/kit/testing';
import { startGraph, type TestGraph } from '../support/startGraph';
import { sseClient, wsClient } from '../support/liveClients';

const INCOMING = 'subscription { incomingCall { id } }';

// At-most-once must not look like "nothing happened": when the gateway loses
// NATS, every subscription ends with a frame saying so, and none is opened
// until NATS is back.
describe('subscriptions when NATS is lost', () => {
  let graph: TestGraph;
  const clients: { dispose(): void }[] = [];

  beforeAll(async () => {
    graph = await startGraph();
  });
  afterAll(async () => {
    for (const made of clients) made.dispose();
    await graph?.stop();
  });

  it('ends open subscriptions with SERVICE_UNAVAILABLE, refuses new ones during the outage, and serves again after', async () => {
    const callee = await graph.signUp('nats_lost_callee', 'Callee');
    const caller = await graph.signUp('nats_lost_caller', 'Caller');
    const headers = { authorization: `Bearer ${callee.token}` };
    const sse = sseClient(graph.gatewayUrl, headers);
    const ws = wsClient(graph.gatewayUrl, headers);
    clients.push(sse, ws);
    const feeds = [sse.subscribe(INCOMING), ws.subscribe(INCOMING)];
    await eventually(async () => {
      const text = await (await fetch(new URL('/metrics', graph.gatewayUrl))).text();
      expect(Number(/^subscriptions_open\{[^}]*\} (\d+)$/m.exec(text)?.[1] ?? 0)).toBe(2);
    });

    await graph.env.nats.stop();
    for (const feed of feeds) {
      expect((await feed.ended).error).toBeUndefined();
      expect(feed.frames.map((frame) => frame.errors?.[0]?.extensions?.['code'])).toEqual(['SERVICE_UNAVAILABLE']);
    }
    const during = sse.subscribe(INCOMING);
    await during.ended;
    expect(during.frames.map((frame) => frame.errors?.[0]?.extensions?.['code'])).toEqual(['SERVICE_UNAVAILABLE']);

    await graph.env.nats.restart();
    // Once the gateway has reconnected, a new subscription is opened and rings again.
    const after = await eventually(async () => {
      const feed = sse.subscribe(INCOMING);
      await new Promise((resolve) => setTimeout(resolve, 200));
      if (feed.frames.length) throw new Error(`refused: ${JSON.stringify(feed.frames)}`);
      return feed;
    }, 20_000, 250);
    const callId = await eventually(async () => {
      const response = await graph.query('mutation { startCall(calleeHandle: "nats_lost_callee", kind: AUDIO) { id } }', {}, caller.token);
      if (response.body.errors) throw new Error(JSON.stringify(response.body.errors));
      return response.body.data.startCall.id as string;
    }, 20_000, 250);
    expect((await after.next(5_000)).data).toEqual({ incomingCall: { id: callId } });
  }, 60_000);
});

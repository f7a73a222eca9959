import { eventually } from '@profile-graph/kit/testing';
import { startGraph, type TestGraph } from '../support/startGraph';
import { openSubscriptions, sseClient, subscriptionsOpen, wsClient } from '../support/liveClients';

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
    await subscriptionsOpen(graph.gatewayUrl, 2);

    await graph.env.nats.stop();
    for (const feed of feeds) {
      expect((await feed.ended).error).toBeUndefined();
      expect(feed.frames.map((frame) => frame.errors?.[0]?.extensions?.['code'])).toEqual(['SERVICE_UNAVAILABLE']);
    }
    // Refused, whichever check sees the outage first: the credential's (the revocations cannot be vouched for: 503)
    // or the subscription's own (a SERVICE_UNAVAILABLE frame).
    const during = sse.subscribe(INCOMING);
    const refused = await during.ended;
    expect(during.frames.some((frame) => frame.data)).toBe(false);
    const said = during.frames.length ? String(during.frames[0]!.errors?.[0]?.extensions?.['code']) : String(refused.error);
    expect(said).toMatch(/SERVICE_UNAVAILABLE|responded with 503/);

    await graph.env.nats.restart();
    // Once the gateway has reconnected, a new subscription is opened and rings again.
    // The gateway vouches for credentials again once it has reread the revocations; until then a subscribe is refused (503).
    const after = await eventually(async () => {
      const feed = sse.subscribe(INCOMING);
      for (let polls = 0; polls < 50; polls++) {
        const ended = await Promise.race([feed.ended, new Promise((resolve) => setTimeout(() => resolve(undefined), 100))]);
        if (ended || feed.frames.length) throw new Error(`refused: ${JSON.stringify(feed.frames)} ${String((ended as { error?: unknown } | undefined)?.error)}`);
        if ((await openSubscriptions(graph.gatewayUrl)) === 1) return feed;
      }
      feed.close();
      throw new Error('the subscription neither opened nor was refused');
    }, 20_000, 250);
    const callId = await eventually(async () => {
      const response = await graph.query('mutation { startCall(calleeHandle: "nats_lost_callee", kind: AUDIO) { id } }', {}, caller.token);
      if (response.body.errors) throw new Error(JSON.stringify(response.body.errors));
      return response.body.data.startCall.id as string;
    }, 20_000, 250);
    expect((await after.next(5_000)).data).toEqual({ incomingCall: { id: callId } });
  }, 60_000);
});

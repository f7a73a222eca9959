import { eventually } from '@profile-graph/kit/testing';
import { startGraph, type TestGraph } from '../support/startGraph';
import { liveClient, type Transport } from '../support/liveClients';

// Calls in real time through the gateway, with the real graphql-sse and graphql-ws
// clients, against the four real subgraphs and NATS.
describe.each<Transport>(['sse', 'ws'])('call subscriptions over %s', (transport) => {
  let graph: TestGraph;
  let ada: { id: string; token: string };
  let grace: { id: string; token: string };
  let mallory: { id: string; token: string };
  const clients: { dispose(): void }[] = [];
  const client = (token?: string) => {
    const made = liveClient(transport, graph.gatewayUrl, token);
    clients.push(made);
    return made;
  };

  const startCall = (token: string, handle: string) =>
    eventually(async () => {
      const response = await graph.query('mutation($h: String!) { startCall(calleeHandle: $h, kind: VIDEO, encrypted: false) { id } }', { h: handle }, token);
      if (response.body.errors?.[0]?.extensions?.code === 'NOT_FOUND') throw new Error('callee not projected yet');
      expect(response.body.errors).toBeUndefined();
      return response.body.data.startCall.id as string;
    });

  beforeAll(async () => {
    graph = await startGraph();
    ada = await graph.signUp(`ada_live_${transport}`, 'Ada');
    grace = await graph.signUp(`grace_live_${transport}`, 'Grace');
    mallory = await graph.signUp(`mallory_live_${transport}`, 'Mallory');
  });

  afterEach(() => {
    for (const made of clients.splice(0)) made.dispose();
  });

  afterAll(async () => {
    await graph?.stop();
  });

  it('rings the callee within 1 s of startCall, with the caller resolved from identity', async () => {
    const incoming = client(grace.token).subscribe('subscription { incomingCall { id status kind caller { id displayName handle } } }');
    // Wait until the subscription is registered: a call started before would be at-most-once lost.
    await eventually(async () => expect(await openSubscriptions(graph)).toBeGreaterThan(0));
    const latencies: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = Date.now();
      const callId = await startCall(ada.token, `grace_live_${transport}`);
      const frame = await incoming.next(1_000);
      latencies.push(Date.now() - started);
      expect(frame.errors).toBeUndefined();
      expect(frame.data).toEqual({ incomingCall: { id: callId, status: 'RINGING', kind: 'VIDEO', caller: { id: ada.id, displayName: 'Ada', handle: `ada_live_${transport}` } } });
      await graph.query('mutation($id: ID!) { endCall(callId: $id) { status } }', { id: callId }, ada.token);
    }
    console.log(`[${transport}] startCall -> incomingCall (incl. the mutation round trip): ${latencies.join(', ')} ms`);
    expect(Math.max(...latencies)).toBeLessThan(1_000);
  });
});

async function openSubscriptions(graph: TestGraph): Promise<number> {
  const response = await fetch(new URL('/metrics', graph.gatewayUrl));
  const match = /^subscriptions_open\{[^}]*\} (\d+)$/m.exec(await response.text());
  return match ? Number(match[1]) : 0;
}

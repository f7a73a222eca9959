import { eventually } from '@profile-graph/kit/testing';
import { startGraph, type TestGraph } from '../support/startGraph';
import { disposeAll, liveClient, subscriptionsOpen, type Transport } from '../support/liveClients';

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

  afterEach(async () => {
    await disposeAll(clients, graph.gatewayUrl);
  });

  afterAll(async () => {
    await graph?.stop();
  });

  it('rings the callee within 1 s of startCall, with the caller resolved from identity', async () => {
    const incoming = client(grace.token).subscribe('subscription { incomingCall { id status kind caller { id displayName handle } } }');
    // Wait until the subscription is registered: a call started before would be at-most-once lost.
    await subscriptionsOpen(graph.gatewayUrl, 1);
    const latencies: number[] = [];
    const afterResponse: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = Date.now();
      const callId = await startCall(ada.token, `grace_live_${transport}`);
      const answered = Date.now();
      const frame = await incoming.next(1_000);
      latencies.push(Date.now() - started);
      afterResponse.push(Date.now() - answered);
      expect(frame.errors).toBeUndefined();
      expect(frame.data).toEqual({ incomingCall: { id: callId, status: 'RINGING', kind: 'VIDEO', caller: { id: ada.id, displayName: 'Ada', handle: `ada_live_${transport}` } } });
      await graph.query('mutation($id: ID!) { endCall(callId: $id) { status } }', { id: callId }, ada.token);
    }
    console.log(`[${transport}] startCall sent -> incomingCall: ${latencies.join(', ')} ms; startCall answered -> incomingCall: ${afterResponse.join(', ')} ms`);
    expect(Math.max(...latencies)).toBeLessThan(1_000);
  });

  const signal = (token: string, callId: string, payload: string) =>
    graph.query(`mutation($id: ID!) { sendCallSignal(callId: $id, payload: ${payload}) { cursor } }`, { id: callId }, token);
  const SIGNALS = 'subscription($id: ID!) { callSignal(callId: $id) { type sdp candidate sdpMid from { handle } cursor } }';

  it('relays signals in order, to the other participant only, each with a cursor callSignals accepts', async () => {
    const callId = await startCall(ada.token, `grace_live_${transport}`);
    // The caller's offer goes out before the callee subscribes: the subscription starts with it.
    expect((await signal(ada.token, callId, '{ type: OFFER, sdp: "v=0 offer" }')).body.errors).toBeUndefined();
    const graceSignals = client(grace.token).subscribe(SIGNALS, { id: callId });
    const adaSignals = client(ada.token).subscribe(SIGNALS, { id: callId });
    const offer = await graceSignals.next();
    expect(offer.data?.['callSignal']).toMatchObject({ type: 'OFFER', sdp: 'v=0 offer', from: { handle: `ada_live_${transport}` } });
    await subscriptionsOpen(graph.gatewayUrl, 2);

    for (let i = 0; i < 10; i++) expect((await signal(ada.token, callId, `{ type: ICE_CANDIDATE, candidate: "candidate:${i}", sdpMid: "0" }`)).body.errors).toBeUndefined();
    expect((await signal(grace.token, callId, '{ type: ANSWER, sdp: "v=0 answer" }')).body.errors).toBeUndefined();

    const candidates = [];
    for (let i = 0; i < 10; i++) candidates.push((await graceSignals.next()).data?.['callSignal'] as { candidate: string; cursor: string });
    expect(candidates.map((c) => c.candidate)).toEqual(Array.from({ length: 10 }, (_, i) => `candidate:${i}`));
    const answer = await adaSignals.next();
    expect(answer.data?.['callSignal']).toMatchObject({ type: 'ANSWER', sdp: 'v=0 answer', from: { handle: `grace_live_${transport}` } });

    // Nobody hears their own signals.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(adaSignals.frames).toHaveLength(1);
    expect(graceSignals.frames).toHaveLength(11);

    // A client that reconnects catches up from the last cursor it saw, without gaps.
    const caughtUp = await graph.query('query($id: ID!, $after: String) { callSignals(callId: $id, after: $after) { signals { candidate } } }', { id: callId, after: candidates[4]!.cursor }, grace.token);
    expect(caughtUp.body.data.callSignals.signals.map((s: { candidate: string }) => s.candidate)).toEqual(candidates.slice(5).map((c) => c.candidate));

    await graph.query('mutation($id: ID!) { endCall(callId: $id) { status } }', { id: callId }, ada.token);
    expect((await graceSignals.ended).error).toBeUndefined();
    expect((await adaSignals.ended).error).toBeUndefined();
  });

  it('shows both sides every state and encryption change, then completes when the call ends', async () => {
    const callId = await startCall(ada.token, `grace_live_${transport}`);
    // Variables of the selection itself (here a directive's) reach every event's query too.
    const UPDATED = 'subscription($id: ID!, $full: Boolean!) { callUpdated(callId: $id) { id status encryption @include(if: $full) { enabled changedAt } } }';
    const adaSide = client(ada.token).subscribe(UPDATED, { id: callId, full: true });
    const graceSide = client(grace.token).subscribe(UPDATED, { id: callId, full: true });
    await subscriptionsOpen(graph.gatewayUrl, 2);

    const seen = async (expected: { status: string; enabled: boolean }) => {
      for (const side of [adaSide, graceSide]) {
        const frame = await side.next();
        expect(frame.errors).toBeUndefined();
        expect(frame.data?.['callUpdated']).toMatchObject({ id: callId, status: expected.status, encryption: { enabled: expected.enabled } });
      }
    };
    await graph.query('mutation($id: ID!) { acceptCall(callId: $id) { status } }', { id: callId }, grace.token);
    await seen({ status: 'ACTIVE', enabled: false });
    await graph.query('mutation($id: ID!) { setCallEncryption(callId: $id, enabled: true) { id } }', { id: callId }, ada.token);
    await seen({ status: 'ACTIVE', enabled: true });
    await graph.query('mutation($id: ID!) { setCallEncryption(callId: $id, enabled: false) { id } }', { id: callId }, grace.token);
    await seen({ status: 'ACTIVE', enabled: false });
    await graph.query('mutation($id: ID!) { endCall(callId: $id) { status } }', { id: callId }, grace.token);
    await seen({ status: 'ENDED', enabled: false });
    expect((await adaSide.ended).error).toBeUndefined();
    expect((await graceSide.ended).error).toBeUndefined();
    // Subscribing to a call that is over gives its final state and completes.
    const late = client(ada.token).subscribe(UPDATED, { id: callId, full: false });
    expect((await late.ended).error).toBeUndefined();
    expect(late.frames.map((frame) => frame.data)).toEqual([{ callUpdated: { id: callId, status: 'ENDED' } }]);
  });

  it('refuses a non-participant exactly as it refuses a call that does not exist', async () => {
    const callId = await startCall(ada.token, `grace_live_${transport}`);
    await signal(ada.token, callId, '{ type: OFFER, sdp: "v=0 secret offer" }');
    const refusals = [];
    for (const id of [callId, '00000000-0000-4000-8000-000000000000']) {
      for (const query of [SIGNALS, 'subscription($id: ID!) { callUpdated(callId: $id) { id status } }']) {
        const feed = client(mallory.token).subscribe(query, { id });
        await feed.ended;
        expect(feed.frames).toHaveLength(1);
        expect(feed.frames[0]!.data ?? null).toBeNull();
        refusals.push(feed.frames[0]!.errors!.map((e) => ({ message: e.message, code: e.extensions?.['code'] })));
      }
    }
    expect(refusals[0]).toEqual(refusals[2]);
    expect(refusals[1]).toEqual(refusals[3]);
    expect(refusals[0]![0]!.code).toBe('FORBIDDEN');
    expect(JSON.stringify(refusals)).not.toContain('secret');
    // An anonymous subscriber is refused before anything is read.
    const anonymous = client().subscribe('subscription { incomingCall { id } }');
    await anonymous.ended;
    expect(anonymous.frames[0]!.errors![0]!.extensions?.['code']).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    await graph.query('mutation($id: ID!) { endCall(callId: $id) { status } }', { id: callId }, ada.token);
  });
});

import { eventually } from '@profile-graph/kit/testing';
import { startGraph, type TestGraph } from '../support/startGraph';

// The calls rules as clients meet them: through the gateway, signed in as
// real users, against the real four subgraphs.
describe('calls through the gateway', () => {
  let graph: TestGraph;
  let ada: { id: string; token: string };
  let grace: { id: string; token: string };
  let mallory: { id: string; token: string };

  const START = 'mutation($h: String!, $e: Boolean) { startCall(calleeHandle: $h, kind: AUDIO, encrypted: $e) { id status encryption { enabled } } }';

  /** The callee reaches calls' user projection by event; retry until it has. */
  const startCall = (token: string, handle: string, encrypted?: boolean) =>
    eventually(async () => {
      const response = await graph.query(START, { h: handle, e: encrypted }, token);
      const code = response.body.errors?.[0]?.extensions?.code;
      if (code === 'NOT_FOUND') throw new Error('callee not projected yet');
      return response;
    });

  beforeAll(async () => {
    graph = await startGraph();
    ada = await graph.signUp('ada_calls', 'Ada');
    grace = await graph.signUp('grace_calls', 'Grace');
    mallory = await graph.signUp('mallory_calls', 'Mallory');
  });

  afterAll(async () => {
    await graph?.stop();
  });

  it('lets exactly one of a concurrent accept and decline win', async () => {
    const started = await startCall(ada.token, 'grace_calls');
    const callId = started.body.data.startCall.id;
    const [accept, decline] = await Promise.all([
      graph.query('mutation($id: ID!) { acceptCall(callId: $id) { status } }', { id: callId }, grace.token),
      graph.query('mutation($id: ID!) { declineCall(callId: $id) { status } }', { id: callId }, grace.token),
    ]);
    const winners = [accept, decline].filter((response) => !response.body.errors);
    expect(winners).toHaveLength(1);
    const loser = [accept, decline].find((response) => response.body.errors)!;
    expect(loser.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const final = await graph.query('{ me { recentCalls(first: 1) { id status } } }', {}, ada.token);
    expect(final.body.data.me.recentCalls[0]).toEqual({ id: callId, status: accept.body.errors ? 'DECLINED' : 'ACTIVE' });
  });

  it('refuses a blocked caller with the same FORBIDDEN as a restricted one', async () => {
    const block = await graph.query('mutation($id: ID!) { blockCaller(userId: $id) { whoCanCall } }', { id: mallory.id }, grace.token);
    expect(block.body.errors).toBeUndefined();
    const blocked = await startCall(mallory.token, 'grace_calls');
    await graph.query('mutation { setWhoCanCallMe(setting: NOBODY) { whoCanCall } }', {}, ada.token);
    const restricted = await startCall(grace.token, 'ada_calls');
    expect(blocked.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(blocked.body.errors?.[0]?.message).toBe(restricted.body.errors?.[0]?.message);
    await graph.query('mutation { setWhoCanCallMe(setting: EVERYONE) { whoCanCall } }', {}, ada.token);
  });

  it('records every encryption toggle with who and when, and keeps signals among participants', async () => {
    const started = await startCall(ada.token, 'grace_calls', false);
    const callId = started.body.data.startCall.id;
    expect(started.body.data.startCall.encryption.enabled).toBe(false);
    await graph.query('mutation($id: ID!) { acceptCall(callId: $id) { status } }', { id: callId }, grace.token);
    for (const [token, enabled] of [[ada.token, true], [grace.token, false], [ada.token, true]] as const) {
      const toggled = await graph.query('mutation($id: ID!, $on: Boolean!) { setCallEncryption(callId: $id, enabled: $on) { encryption { enabled } } }', { id: callId, on: enabled }, token);
      expect(toggled.body.data.setCallEncryption.encryption.enabled).toBe(enabled);
    }
    const history = await graph.query(
      '{ me { recentCalls(first: 1) { encryption { enabled history { enabled changedBy { handle } } } } } }',
      {},
      grace.token,
    );
    expect(history.body.data.me.recentCalls[0].encryption).toEqual({
      enabled: true,
      history: [
        { enabled: false, changedBy: { handle: 'ada_calls' } },
        { enabled: true, changedBy: { handle: 'ada_calls' } },
        { enabled: false, changedBy: { handle: 'grace_calls' } },
        { enabled: true, changedBy: { handle: 'ada_calls' } },
      ],
    });

    const sent = await graph.query(
      'mutation($id: ID!) { sendCallSignal(callId: $id, payload: { type: OFFER, sdp: "v=0" }) { id } }',
      { id: callId },
      ada.token,
    );
    expect(sent.body.errors).toBeUndefined();
    const received = await graph.query('query($id: ID!) { callSignals(callId: $id) { signals { type sdp from { handle } } } }', { id: callId }, grace.token);
    expect(received.body.data.callSignals.signals).toEqual([{ type: 'OFFER', sdp: 'v=0', from: { handle: 'ada_calls' } }]);
    const snooped = await graph.query('query($id: ID!) { callSignals(callId: $id) { signals { sdp } } }', { id: callId }, mallory.token);
    expect(snooped.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(snooped.body)).not.toContain('v=0');
  });

  it('follows a rename: the old handle rings its new owner, the new handle the renamed user', async () => {
    const renamed = await graph.signUp('rename_from', 'Renamed');
    await startCall(ada.token, 'rename_from'); // projected under the old handle first
    const update = await graph.query('mutation { updateProfile(input: { handle: "rename_to" }) { handle } }', {}, renamed.token);
    expect(update.body.data.updateProfile.handle).toBe('rename_to');
    const newcomer = await graph.signUp('rename_from', 'Newcomer');
    const CALLEE = 'mutation($h: String!) { startCall(calleeHandle: $h, kind: AUDIO) { callee { id } } }';
    const rings = async (handle: string, expected: string) =>
      eventually(async () => {
        const response = await graph.query(CALLEE, { h: handle }, grace.token);
        expect(response.body.data?.startCall?.callee?.id).toBe(expected);
      });
    await rings('rename_from', newcomer.id);
    await rings('rename_to', renamed.id);
  });

  it("shows a user's calls to that user only", async () => {
    const others = await graph.query('query($id: ID!) { user(id: $id) { handle recentCalls { id } } }', { id: ada.id }, mallory.token);
    expect(JSON.stringify(others.body.data ?? {})).not.toContain('recentCalls":[{');
    expect(others.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

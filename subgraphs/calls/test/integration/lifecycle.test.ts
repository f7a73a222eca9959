import { act, callOk, codeOf, startCall, startCallsHarness, type CallsHarness } from './callsHarness';

// The call lifecycle against the calls subgraph over HTTP, on real NATS and the MongoDB-wire server.
describe('calls: lifecycle', () => {
  let h: CallsHarness;
  let u: Record<string, string>;

  beforeAll(async () => {
    h = await startCallsHarness({ CALL_RING_TIMEOUT_MS: '30000' });
    u = await h.seedUsers('ada', 'bob', 'eve');
  });
  afterAll(() => h?.close());

  it('starts a ringing call by handle with the contract fields, and publishes calls.v1.call.started', async () => {
    const res = await startCall(h, u.ada!, 'BOB', { kind: 'VIDEO' });
    expect(res.body.errors).toBeUndefined();
    const call = res.body.data.startCall;
    expect(call).toMatchObject({ kind: 'VIDEO', status: 'RINGING', endedAt: null, answeredAt: null, anonymized: false, caller: { id: u.ada }, callee: { id: u.bob } });
    expect(call.participants).toEqual([{ id: u.ada }, { id: u.bob }]);
    expect(call.encryption).toMatchObject({ enabled: false, history: [{ enabled: false, changedBy: { id: u.ada } }] });
    const started = (await h.events('calls.v1.call.started')).find((e) => e.data.callId === call.id);
    expect(started?.data).toEqual({ callId: call.id, callerId: u.ada, calleeId: u.bob, kind: 'VIDEO', encrypted: false });
    expect(JSON.stringify(started)).not.toMatch(/phone/i);
  });

  it('refuses unknown handles (NOT_FOUND) and calling oneself (BAD_USER_INPUT)', async () => {
    expect(codeOf(await startCall(h, u.ada!, 'nobody_here'))).toBe('NOT_FOUND');
    expect(codeOf(await startCall(h, u.ada!, 'ada'))).toBe('BAD_USER_INPUT');
    expect(codeOf(await startCall(h, null, 'bob'))).toBe('UNAUTHENTICATED');
  });

  it('goes RINGING → ACTIVE → ENDED with events, and refuses invalid transitions without changing anything', async () => {
    const id = await callOk(h, u.ada!, 'bob');
    const byCaller = await act(h, u.ada!, 'acceptCall', id);
    expect(codeOf(byCaller)).toBe('FORBIDDEN');
    expect(byCaller.body.errors![0]!.message).toBe('Only the person being called can accept the call.');
    expect(codeOf(await act(h, u.eve!, 'endCall', id))).toBe('FORBIDDEN');

    const accepted = await act(h, u.bob!, 'acceptCall', id);
    expect(accepted.body.data.acceptCall).toMatchObject({ status: 'ACTIVE', answeredAt: expect.any(String) });
    const ended = await act(h, u.ada!, 'endCall', id);
    expect(ended.body.data.endCall).toMatchObject({ status: 'ENDED', endedAt: expect.any(String) });

    const again = await act(h, u.bob!, 'acceptCall', id);
    expect(codeOf(again)).toBe('CONFLICT');
    expect(again.body.errors![0]!.message).toBe('The call is ENDED; only a RINGING call can be accepted.');
    expect(codeOf(await act(h, u.bob!, 'endCall', id))).toBe('CONFLICT');
    expect(await h.calls.services.changes.countDocuments({ callId: id })).toBe(2);

    expect((await h.events('calls.v1.call.accepted')).some((e) => e.data.callId === id && e.data.by === u.bob)).toBe(true);
    expect((await h.events('calls.v1.call.ended')).some((e) => e.data.callId === id && e.data.by === u.ada)).toBe(true);
  });

  it('declines: callee only, and publishes calls.v1.call.declined', async () => {
    const id = await callOk(h, u.ada!, 'bob');
    expect(codeOf(await act(h, u.ada!, 'declineCall', id))).toBe('FORBIDDEN');
    expect((await act(h, u.bob!, 'declineCall', id)).body.data.declineCall.status).toBe('DECLINED');
    expect((await h.events('calls.v1.call.declined')).some((e) => e.data.callId === id)).toBe(true);
  });

  it('concurrent accept and decline of the same call: exactly one wins, the other is refused', async () => {
    for (let round = 0; round < 6; round++) {
      const id = await callOk(h, u.ada!, 'bob');
      const [accept, decline] = await Promise.all([act(h, u.bob!, 'acceptCall', id), act(h, u.bob!, 'declineCall', id)]);
      const winners = [accept, decline].filter((res) => !res.body.errors);
      const losers = [accept, decline].filter((res) => res.body.errors);
      expect(winners).toHaveLength(1);
      expect(losers.map(codeOf)).toEqual(['CONFLICT']);
      const final = winners[0] === accept ? 'ACTIVE' : 'DECLINED';
      const statusChanges = await h.calls.services.changes.find({ callId: id, status: { $exists: true } }).lean();
      expect(statusChanges.map((c) => c.status)).toEqual([final]);
      const seen = await h.gql(u.ada!, `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Call { status } } }`, {
        reps: [{ __typename: 'Call', id }],
      });
      expect(seen.body.data._entities[0].status).toBe(final);
    }
  });

  it('a ringing call becomes MISSED through the sweep once the injected clock passes the timeout', async () => {
    const id = await callOk(h, u.ada!, 'bob');
    expect(await h.calls.sweeper.sweep()).toBe(0);
    h.advance(30_001);
    expect(await h.calls.sweeper.sweep()).toBeGreaterThanOrEqual(1);
    const after = await act(h, u.bob!, 'acceptCall', id);
    expect(codeOf(after)).toBe('CONFLICT');
    expect(after.body.errors![0]!.message).toMatch(/The call is MISSED/);
    expect((await h.events('calls.v1.call.missed')).filter((e) => e.data.callId === id)).toHaveLength(1);
    // A second sweep finds nothing left to do.
    expect(await h.calls.sweeper.sweep()).toBe(0);
  });

  it('answering a call that rang out before the sweep ran is refused and records MISSED', async () => {
    const id = await callOk(h, u.ada!, 'eve');
    h.advance(30_001);
    const res = await act(h, u.eve!, 'acceptCall', id);
    expect(codeOf(res)).toBe('CONFLICT');
    const call = await h.gql(u.eve!, `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Call { status endedAt } } }`, {
      reps: [{ __typename: 'Call', id }],
    });
    expect(call.body.data._entities[0]).toMatchObject({ status: 'MISSED', endedAt: expect.any(String) });
  });
});

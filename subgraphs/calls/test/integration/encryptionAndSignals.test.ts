import { act, CALL_FIELDS, callOk, codeOf, startCall, startCallsHarness, type CallsHarness } from './callsHarness';

const TOGGLE = `mutation($id: ID!, $on: Boolean!) { setCallEncryption(callId: $id, enabled: $on) { ${CALL_FIELDS} } }`;
const SEND = 'mutation($id: ID!, $p: CallSignalInput!) { sendCallSignal(callId: $id, payload: $p) { id type sdp candidate sdpMid sdpMLineIndex sentAt cursor from { id } } }';
const READ = 'query($id: ID!, $after: String) { callSignals(callId: $id, after: $after) { endCursor signals { id type sdp candidate sdpMLineIndex from { id } } } }';

describe('calls: encryption toggles', () => {
  let h: CallsHarness;
  let u: Record<string, string>;

  beforeAll(async () => {
    h = await startCallsHarness({ CALL_SIGNAL_MAX_BYTES: '2048' });
    u = await h.seedUsers('ivy', 'jon', 'kim');
  });
  afterAll(() => h?.close());

  it('starts with the policy default (off) or the caller’s choice', async () => {
    expect((await startCall(h, u.ivy!, 'jon')).body.data.startCall.encryption.enabled).toBe(false);
    expect((await startCall(h, u.ivy!, 'jon', { encrypted: true })).body.data.startCall.encryption).toMatchObject({
      enabled: true,
      history: [{ enabled: true, changedBy: { id: u.ivy } }],
    });
  });

  it('records every change (who, when) across several toggles by both participants, with one event each', async () => {
    const id = await callOk(h, u.ivy!, 'jon');
    const toggle = (userId: string, on: boolean) => h.gql(userId, TOGGLE, { id, on });
    expect((await toggle(u.ivy!, true)).body.errors).toBeUndefined();
    await act(h, u.jon!, 'acceptCall', id);
    await toggle(u.jon!, false);
    // Switching to the current value changes nothing and records nothing.
    expect((await toggle(u.ivy!, false)).body.data.setCallEncryption.encryption.history).toHaveLength(3);
    const last = await toggle(u.ivy!, true);
    const encryption = last.body.data.setCallEncryption.encryption;
    expect(encryption.enabled).toBe(true);
    expect(encryption.history.map((e: any) => [e.enabled, e.changedBy.id])).toEqual([
      [false, u.ivy],
      [true, u.ivy],
      [false, u.jon],
      [true, u.ivy],
    ]);
    const times = encryption.history.map((e: any) => Date.parse(e.changedAt));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(encryption.changedAt).toBe(encryption.history[3].changedAt);

    const events = (await h.events('calls.v1.call.encryption_changed')).filter((e) => e.data.callId === id);
    expect(events.map((e) => [e.data.enabled, e.data.changedBy])).toEqual([
      [true, u.ivy],
      [false, u.jon],
      [true, u.ivy],
    ]);

    // Outsiders cannot toggle; nobody can once the call is over.
    expect(codeOf(await toggle(u.kim!, false))).toBe('FORBIDDEN');
    await act(h, u.jon!, 'endCall', id);
    expect(codeOf(await toggle(u.ivy!, false))).toBe('CONFLICT');
    expect(await h.calls.services.changes.countDocuments({ callId: id, encrypted: { $exists: true } })).toBe(3);
  });

  it('concurrent toggles are serialized: none is lost', async () => {
    const id = await callOk(h, u.ivy!, 'jon');
    const results = await Promise.all([h.gql(u.ivy!, TOGGLE, { id, on: true }), h.gql(u.jon!, TOGGLE, { id, on: true })]);
    expect(results.every((r) => !r.body.errors)).toBe(true);
    // Both asked for "on": the second found it on already, so exactly one change is recorded.
    expect(await h.calls.services.changes.countDocuments({ callId: id })).toBe(1);
  });
});

describe('calls: signaling', () => {
  let h: CallsHarness;
  let u: Record<string, string>;

  beforeAll(async () => {
    h = await startCallsHarness({ CALL_SIGNAL_MAX_BYTES: '2048' });
    u = await h.seedUsers('lea', 'max', 'ned');
  });
  afterAll(() => h?.close());

  it('relays offer, answer and ICE candidates between the participants, in order, with a cursor', async () => {
    const id = await callOk(h, u.lea!, 'max', { encrypted: true });
    const offer = await h.gql(u.lea!, SEND, { id, p: { type: 'OFFER', sdp: 'v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\n' } });
    expect(offer.body.errors).toBeUndefined();
    expect(offer.body.data.sendCallSignal).toMatchObject({ type: 'OFFER', from: { id: u.lea }, candidate: null });
    await h.gql(u.lea!, SEND, { id, p: { type: 'ICE_CANDIDATE', candidate: 'candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host', sdpMid: '0', sdpMLineIndex: 0 } });

    // The callee reads the caller's signals while the call still rings.
    const first = await h.gql(u.max!, READ, { id });
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data.callSignals.signals.map((s: any) => s.type)).toEqual(['OFFER', 'ICE_CANDIDATE']);
    expect(first.body.data.callSignals.signals[1]).toMatchObject({ sdpMLineIndex: 0, from: { id: u.lea } });

    await act(h, u.max!, 'acceptCall', id);
    await h.gql(u.max!, SEND, { id, p: { type: 'ANSWER', sdp: 'v=0\r\n' } });
    // The caller sees the answer, never their own signals.
    const forCaller = await h.gql(u.lea!, READ, { id });
    expect(forCaller.body.data.callSignals.signals.map((s: any) => s.type)).toEqual(['ANSWER']);
    // Reading on from the cursor gives only what is new.
    const next = await h.gql(u.max!, READ, { id, after: first.body.data.callSignals.endCursor });
    expect(next.body.data.callSignals.signals).toEqual([]);
    await h.gql(u.lea!, SEND, { id, p: { type: 'ICE_CANDIDATE', candidate: '' } });
    const more = await h.gql(u.max!, READ, { id, after: first.body.data.callSignals.endCursor });
    expect(more.body.data.callSignals.signals.map((s: any) => [s.type, s.candidate])).toEqual([['ICE_CANDIDATE', '']]);
  });

  it('refuses a non-participant reading or sending signals, with the answer a missing call gets', async () => {
    const id = await callOk(h, u.lea!, 'max');
    await h.gql(u.lea!, SEND, { id, p: { type: 'OFFER', sdp: 'v=0' } });
    const read = await h.gql(u.ned!, READ, { id });
    expect(codeOf(read)).toBe('FORBIDDEN');
    expect(read.body.data).toBeNull();
    expect(codeOf(await h.gql(u.ned!, SEND, { id, p: { type: 'OFFER', sdp: 'v=0' } }))).toBe('FORBIDDEN');
    const missing = await h.gql(u.ned!, READ, { id: 'no-such-call' });
    expect(missing.body.errors![0]!.message).toBe(read.body.errors![0]!.message);
  });

  it('caps payload size and checks the signal shape, naming the field', async () => {
    const id = await callOk(h, u.lea!, 'max');
    const big = await h.gql(u.lea!, SEND, { id, p: { type: 'OFFER', sdp: 'a'.repeat(4000) } });
    expect(codeOf(big)).toBe('BAD_USER_INPUT');
    expect(big.body.errors![0]!.message).toMatch(/^payload: is \d+ bytes; a signal may be at most 2048 bytes\.$/);
    const shape = await h.gql(u.lea!, SEND, { id, p: { type: 'ANSWER' } });
    expect(shape.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'payload.sdp' });
  });

  it('only while the call rings or is active: signals of an ended call are refused and purged', async () => {
    const id = await callOk(h, u.lea!, 'max');
    await h.gql(u.lea!, SEND, { id, p: { type: 'OFFER', sdp: 'v=0' } });
    await act(h, u.lea!, 'endCall', id);
    expect(codeOf(await h.gql(u.max!, READ, { id }))).toBe('CONFLICT');
    expect(codeOf(await h.gql(u.lea!, SEND, { id, p: { type: 'OFFER', sdp: 'v=0' } }))).toBe('CONFLICT');
    expect((await h.calls.services.signals.read(id, 0, 10)).signals).toEqual([]);
  });
});

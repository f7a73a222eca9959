import { decideEncryption, decideTransition, deriveCallState, hasRungOut } from './callState';

const start = new Date('2026-01-01T10:00:00Z');
const call = { callerId: 'a', calleeId: 'b', participantIds: ['a', 'b'], startedAt: start, ringingUntil: new Date(start.getTime() + 30_000), encrypted: false };
const at = (s: number) => new Date(start.getTime() + s * 1000);

describe('deriveCallState', () => {
  it('starts ringing with the initial encryption as the first history entry', () => {
    const state = deriveCallState(call, []);
    expect(state).toMatchObject({ status: 'RINGING', endedAt: null, acceptedAt: null, lastSeq: 0 });
    expect(state.encryption).toEqual({ enabled: false, changedAt: start, history: [{ enabled: false, changedBy: 'a', changedAt: start }] });
  });

  it('replays changes in sequence order, whatever order they are given in', () => {
    const state = deriveCallState(call, [
      { seq: 3, at: at(9), by: 'a', status: 'ENDED' },
      { seq: 1, at: at(2), by: 'b', status: 'ACTIVE' },
      { seq: 2, at: at(5), by: 'b', encrypted: true },
    ]);
    expect(state).toMatchObject({ status: 'ENDED', acceptedAt: at(2), endedAt: at(9), lastSeq: 3 });
    expect(state.encryption.enabled).toBe(true);
    expect(state.encryption.changedAt).toEqual(at(5));
    expect(state.encryption.history.map((h) => [h.enabled, h.changedBy])).toEqual([[false, 'a'], [true, 'b']]);
  });
});

it('reads calls stored before the change log by their stored status, unencrypted', () => {
  const legacy = { ...call, encrypted: undefined as unknown as boolean, status: 'ENDED' as const, endedAt: at(5) };
  expect(deriveCallState(legacy, [])).toMatchObject({ status: 'ENDED', endedAt: at(5), encryption: { enabled: false } });
});

describe('decideTransition', () => {
  const ringing = deriveCallState(call, []);
  const active = deriveCallState(call, [{ seq: 1, at: at(1), by: 'b', status: 'ACTIVE' }]);
  const ended = deriveCallState(call, [{ seq: 1, at: at(1), by: 'a', status: 'ENDED' }]);

  it.each([
    ['ACCEPT', 'b', ringing, 'ACTIVE'],
    ['DECLINE', 'b', ringing, 'DECLINED'],
    ['END', 'a', ringing, 'ENDED'],
    ['END', 'b', active, 'ENDED'],
    ['MISS', null, ringing, 'MISSED'],
    ['FAIL', null, active, 'FAILED'],
  ] as const)('%s by %s from %s', (action, actor, state, to) => {
    expect(decideTransition(action, call, state, actor)).toEqual({ ok: true, value: to });
  });

  it('lets only the callee accept or decline', () => {
    expect(decideTransition('ACCEPT', call, ringing, 'a')).toMatchObject({ ok: false, refusal: { code: 'FORBIDDEN' } });
    expect(decideTransition('DECLINE', call, ringing, 'a')).toMatchObject({ ok: false, refusal: { code: 'FORBIDDEN' } });
  });

  it('refuses outsiders with the same answer as a missing call', () => {
    expect(decideTransition('END', call, active, 'x')).toEqual({ ok: false, refusal: { code: 'FORBIDDEN', message: 'You can only do this on a call you take part in.' } });
  });

  it('refuses what only the system does', () => {
    expect(decideTransition('MISS', call, ringing, 'b')).toMatchObject({ ok: false, refusal: { code: 'FORBIDDEN' } });
  });

  it('refuses transitions out of the wrong status with CONFLICT naming the status', () => {
    expect(decideTransition('ACCEPT', call, ended, 'b')).toEqual({
      ok: false,
      refusal: { code: 'CONFLICT', message: 'The call is ENDED; only a RINGING call can be accepted.' },
    });
    expect(decideTransition('ACCEPT', call, active, 'b')).toMatchObject({ ok: false, refusal: { code: 'CONFLICT' } });
    expect(decideTransition('END', call, ended, 'a')).toMatchObject({ ok: false, refusal: { code: 'CONFLICT' } });
  });
});

describe('decideEncryption', () => {
  it('records a real change by a participant of a live call, and nothing for the current value', () => {
    const ringing = deriveCallState(call, []);
    expect(decideEncryption(call, ringing, 'b', true)).toEqual({ ok: true, value: true });
    expect(decideEncryption(call, ringing, 'b', false)).toEqual({ ok: true, value: false });
  });

  it('refuses outsiders and finished calls', () => {
    const ended = deriveCallState(call, [{ seq: 1, at: at(1), by: 'a', status: 'ENDED' }]);
    expect(decideEncryption(call, deriveCallState(call, []), 'x', true)).toMatchObject({ ok: false, refusal: { code: 'FORBIDDEN' } });
    expect(decideEncryption(call, ended, 'a', true)).toMatchObject({ ok: false, refusal: { code: 'CONFLICT' } });
  });
});

it('hasRungOut only for a ringing call at or past its timeout', () => {
  const ringing = deriveCallState(call, []);
  expect(hasRungOut(call, ringing, at(29))).toBe(false);
  expect(hasRungOut(call, ringing, at(30))).toBe(true);
  expect(hasRungOut(call, deriveCallState(call, [{ seq: 1, at: at(1), by: 'b', status: 'ACTIVE' }]), at(60))).toBe(false);
});

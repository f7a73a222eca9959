import { parseSignalCursor, validateSignal } from './signalInput';

describe('validateSignal', () => {
  it('keeps only the fields of the signal type', () => {
    expect(validateSignal({ type: 'OFFER', sdp: 'v=0' }, 1000)).toEqual({ type: 'OFFER', sdp: 'v=0' });
    expect(validateSignal({ type: 'ICE_CANDIDATE', candidate: 'candidate:1 1 udp 1 10.0.0.1 5000 typ host', sdpMLineIndex: 0 }, 1000)).toEqual({
      type: 'ICE_CANDIDATE',
      candidate: 'candidate:1 1 udp 1 10.0.0.1 5000 typ host',
      sdpMid: null,
      sdpMLineIndex: 0,
    });
    expect(validateSignal({ type: 'ICE_CANDIDATE', candidate: '' }, 1000)).toMatchObject({ candidate: '' });
  });

  it.each([
    [{ type: 'OFFER' as const }, 'payload.sdp'],
    [{ type: 'ANSWER' as const, sdp: 'v=0', candidate: 'c' }, 'payload.candidate'],
    [{ type: 'ICE_CANDIDATE' as const }, 'payload.candidate'],
    [{ type: 'ICE_CANDIDATE' as const, candidate: 'c', sdp: 'v=0' }, 'payload.sdp'],
    [{ type: 'ICE_CANDIDATE' as const, candidate: 'c', sdpMLineIndex: -1 }, 'payload.sdpMLineIndex'],
  ])('refuses %j naming %s', (input, field) => {
    expect(() => validateSignal(input, 1000)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field }) }));
  });

  it('caps the size, saying the size and the limit', () => {
    expect(() => validateSignal({ type: 'OFFER', sdp: 'x'.repeat(2000) }, 1000)).toThrow(/payload: is \d+ bytes; a signal may be at most 1000 bytes/);
  });
});

describe('parseSignalCursor', () => {
  it('reads sequence numbers and refuses anything else', () => {
    expect(parseSignalCursor(undefined)).toBe(0);
    expect(parseSignalCursor('42')).toBe(42);
    expect(() => parseSignalCursor('abc')).toThrow(/after: is not a callSignals cursor/);
  });
});

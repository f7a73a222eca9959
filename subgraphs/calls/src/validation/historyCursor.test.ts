import { decodeHistoryCursor, encodeHistoryCursor, pageSize } from './historyCursor';

it('round-trips a history cursor and refuses forged ones', () => {
  const at = new Date('2026-01-01T00:00:00.123Z');
  expect(decodeHistoryCursor(encodeHistoryCursor(at, 'c1'))).toEqual({ startedAt: at, id: 'c1' });
  expect(() => decodeHistoryCursor('nope')).toThrow(/after: is not a callHistory cursor/);
  expect(() => decodeHistoryCursor(Buffer.from('[1,2]').toString('base64url'))).toThrow(/after:/);
});

it('bounds page sizes', () => {
  expect(pageSize(undefined)).toBe(20);
  expect(() => pageSize(0)).toThrow(/first: use 1 to 50/);
  expect(() => pageSize(51)).toThrow(/first/);
});

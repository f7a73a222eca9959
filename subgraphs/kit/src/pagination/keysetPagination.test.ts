import { decodeCursor, decodeNewestFirstCursor, encodeCursor, newestFirstAfter, newestFirstCursor, pageSize, toConnection } from './keysetPagination';

it('round-trips a cursor and refuses forged ones, naming after', () => {
  const at = new Date('2026-01-01T00:00:00.123Z');
  expect(decodeNewestFirstCursor(newestFirstCursor(at, 'c1'))).toEqual({ t: at.getTime(), id: 'c1' });
  expect(decodeCursor<{ p: string }>(encodeCursor({ p: 'x' }), { p: 'string' })).toEqual({ p: 'x' });
  expect(decodeNewestFirstCursor(null)).toBeNull();
  expect(decodeNewestFirstCursor('')).toBeNull();
  expect(() => decodeNewestFirstCursor('nope')).toThrow(/^after: pass pageInfo.endCursor/);
  expect(() => decodeNewestFirstCursor(Buffer.from('[1,2]').toString('base64url'))).toThrow(/^after:/);
  expect(() => decodeNewestFirstCursor(encodeCursor({ t: 'soon', id: 'c1' }))).toThrow(/^after:/);
});

it('bounds page sizes by one rule: a default, 1 at least, and above the maximum a cap or a refusal', () => {
  expect(pageSize(undefined, { fallback: 20, max: 50, overMax: 'refuse' })).toBe(20);
  expect(pageSize(null, { fallback: 20, max: 50, overMax: 'refuse' })).toBe(20);
  expect(pageSize(50, { fallback: 20, max: 50, overMax: 'refuse' })).toBe(50);
  expect(() => pageSize(0, { fallback: 20, max: 50, overMax: 'refuse' })).toThrow(/^first: use 1 to 50/);
  expect(() => pageSize(1.5, { fallback: 20, max: 50, overMax: 'cap' })).toThrow(/^first: use 1 to 50/);
  expect(() => pageSize(51, { fallback: 20, max: 50, overMax: 'refuse' })).toThrow(/^first/);
  expect(pageSize(1000, { fallback: 20, max: 50, overMax: 'cap' })).toBe(50);
});

it('orders newest first by date, then id', () => {
  expect(newestFirstAfter(null, 'createdAt')).toEqual({});
  const at = new Date('2026-01-01T00:00:00Z');
  expect(newestFirstAfter({ t: at.getTime(), id: 'j2' }, 'createdAt')).toEqual({ $or: [{ createdAt: { $lt: at } }, { createdAt: at, _id: { $lt: 'j2' } }] });
});

it('pages with one extra item read, and ends with the last cursor or, when asked, null', () => {
  const cursorOf = (n: number) => `c${n}`;
  expect(toConnection([1, 2, 3], 2, cursorOf)).toEqual({
    nodes: [1, 2],
    edges: [{ cursor: 'c1', node: 1 }, { cursor: 'c2', node: 2 }],
    pageInfo: { hasNextPage: true, endCursor: 'c2' },
  });
  expect(toConnection([1, 2], 2, cursorOf).pageInfo).toEqual({ hasNextPage: false, endCursor: 'c2' });
  expect(toConnection([1, 2], 2, cursorOf, { endCursorOnLastPage: false }).pageInfo).toEqual({ hasNextPage: false, endCursor: null });
  expect(toConnection([1, 2, 3], 2, cursorOf, { endCursorOnLastPage: false }).pageInfo).toEqual({ hasNextPage: true, endCursor: 'c2' });
  expect(toConnection([], 2, cursorOf).pageInfo).toEqual({ hasNextPage: false, endCursor: null });
});

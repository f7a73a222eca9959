import { ExpiringMap } from './expiringMap';

describe('ExpiringMap', () => {
  it('answers an entry until it expires, then forgets it', () => {
    const map = new ExpiringMap<string>(10);
    map.set('a', 'A', 100, 0);
    expect(map.get('a', 99)?.value).toBe('A');
    expect(map.get('a', 100)).toBeUndefined();
    expect(map.size).toBe(0);
  });

  it('drops expired entries as new ones come in, so it holds what is in use rather than everything up to the cap', () => {
    const map = new ExpiringMap<number>(10_000);
    // One new viewer a second, each kept for 10 s: a long run holds about ten, not ten thousand.
    for (let second = 0; second < 5_000; second++) map.set(`viewer-${second}`, second, (second + 10) * 1_000, second * 1_000);
    expect(map.size).toBeLessThanOrEqual(11);
    expect(map.get('viewer-4999', 4_999_000)?.value).toBe(4_999);
  });

  it('keeps at most maxEntries, the oldest going first', () => {
    const map = new ExpiringMap<number>(3);
    for (let i = 0; i < 5; i++) map.set(`k${i}`, i, 1_000, 0);
    expect(map.size).toBe(3);
    expect(['k0', 'k1', 'k2', 'k3', 'k4'].map((key) => map.get(key, 0)?.value)).toEqual([undefined, undefined, 2, 3, 4]);
  });

  it('drops an entry on failure only if it is still the one kept', () => {
    const map = new ExpiringMap<string>(10);
    const first = map.set('a', 'old', 100, 0);
    map.set('a', 'new', 100, 0);
    map.deleteIf('a', first);
    expect(map.get('a', 0)?.value).toBe('new');
  });
});

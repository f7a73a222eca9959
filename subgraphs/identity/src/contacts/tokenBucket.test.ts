import { TokenBucket } from './tokenBucket';

describe('TokenBucket', () => {
  it('allows up to capacity, then refills over time, per key', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 1 / 100, () => now);
    expect(bucket.take('a', 6)).toBe(0);
    expect(bucket.take('a', 6)).toBe(200);
    expect(bucket.take('b', 6)).toBe(0);
    now += 200;
    expect(bucket.take('a', 6)).toBe(0);
    expect(bucket.take('a', 11)).toBe(Number.POSITIVE_INFINITY);
  });
});

import { randomUUID } from 'node:crypto';
import { newRefreshToken, parseRefreshToken } from './refreshToken';

describe('refresh tokens', () => {
  it('are opaque, carry their session id, and are stored only as a hash', () => {
    const sessionId = randomUUID();
    const { token, hash } = newRefreshToken(sessionId);
    expect(token).toMatch(/^pgr_/);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain(token.slice(-20));
    expect(parseRefreshToken(token)).toEqual({ sessionId, hash });
  });

  it('refuses anything else without a lookup', () => {
    for (const garbage of ['', 'pgr_', 'pgr_x.y', `pgr_${randomUUID()}.short`, '{"$ne":null}']) expect(parseRefreshToken(garbage)).toBeNull();
  });
});

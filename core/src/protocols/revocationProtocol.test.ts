import { parseRevocationSubject, revocationSubject } from './revocationProtocol';

describe('revocation subjects', () => {
  it('round-trips each kind, and refuses anything a gateway should not act on', () => {
    for (const kind of ['session', 'apikey', 'user'] as const) expect(parseRevocationSubject(revocationSubject(kind, 'a1-B_2'))).toEqual({ kind, id: 'a1-B_2' });
    for (const subject of ['$KV.revocations.role.x', '$KV.ratelimits.session.x', '$KV.revocations.session', '$KV.revocations.session.a.b', `$KV.revocations.user.${'x'.repeat(65)}`, 'identity.v1.session.revoked']) {
      expect(parseRevocationSubject(subject)).toBeUndefined();
    }
  });
});

import { verifiedFromEvent } from './projectVerifications';

it('reads verification outcomes; failures do not take away an earlier success', () => {
  expect(verifiedFromEvent({ type: 'identity.v1.user.verified', data: { userId: 'u' } })).toBe(true);
  expect(verifiedFromEvent({ type: 'identity.v1.verification.completed', data: { userId: 'u', status: 'VERIFIED' } })).toBe(true);
  expect(verifiedFromEvent({ type: 'identity.v1.verification.completed', data: { userId: 'u', status: 'revoked' } })).toBe(false);
  expect(verifiedFromEvent({ type: 'identity.v1.verification.completed', data: { userId: 'u', status: 'FAILED' } })).toBeNull();
});

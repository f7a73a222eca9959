import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError, type Viewer } from '@profile-graph/core';

/** What an operator may do: identity checks the first on verifyOrganization, consent the second on openPrivacyRequests. */
export const OPERATOR_SCOPES = ['operator:organizations', 'operator:privacy'];

/**
 * Operators are people running the platform, not users: they hold one token,
 * configured as its SHA-256 so the gateway's environment never contains it.
 * A match becomes a `service` viewer with the operator scopes; identity then
 * trusts only that signed viewer, never the header.
 */
export function createOperatorVerifier(tokenSha256: string | undefined) {
  const expected = tokenSha256 ? Buffer.from(tokenSha256, 'hex') : undefined;
  return async (token: string): Promise<Viewer> => {
    const actual = createHash('sha256').update(token.trim()).digest();
    if (!expected || !timingSafeEqual(actual, expected)) throw new AppError('UNAUTHENTICATED', 'The operator token is not valid.');
    return { kind: 'service', scopes: [...OPERATOR_SCOPES] };
  };
}

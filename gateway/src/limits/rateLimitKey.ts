import type { Viewer } from '@profile-graph/core';

/** Whose budget a request spends: the user, the API key, the operator, or (anonymous) the client's address. */
export function rateLimitKey(viewer: Viewer): string {
  if (viewer.kind === 'user' && viewer.userId) return `user:${viewer.userId}`;
  if (viewer.kind === 'partner' && viewer.keyId) return `key:${viewer.keyId}`;
  if (viewer.kind === 'service') return 'service';
  return `ip:${viewer.clientIp ?? 'unknown'}`;
}

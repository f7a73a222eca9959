import type { JetStreamClient } from 'nats';
import { MAX_REVOCATION_TTL_MS, putRevocation } from '@profile-graph/kit';

/**
 * How long an access token may still be presented after the moment it was
 * last possible to mint one: its lifetime, plus the clock skew between
 * identity and the gateways that the entry must also cover.
 */
const CLOCK_SKEW_MS = 60_000;

export interface RevocationWriter {
  /** A signed-out (or reuse-detected) session: its access tokens, minted at the latest at `revokedAt`, are refused until they expire. */
  session(sessionId: string, revokedAt: Date): Promise<void>;
  /** A revoked API key: refused by every gateway until it would have expired anyway (or the cap, for keys without expiry). */
  apiKey(keyId: string, expiresAt: Date | null): Promise<void>;
  /** An erased user: every access token of theirs, whatever its session, until the last one could have expired. */
  user(userId: string): Promise<void>;
}

/** identity's writes into the shared revocations bucket (the only role allowed to make them). */
export function createRevocationWriter(deps: { js: JetStreamClient; accessTokenTtlMs: number; clock?: () => Date }): RevocationWriter {
  const { js, accessTokenTtlMs } = deps;
  const clock = deps.clock ?? (() => new Date());
  const tokenLifetime = accessTokenTtlMs + CLOCK_SKEW_MS;
  return {
    async session(sessionId, revokedAt) {
      await putRevocation(js, 'session', sessionId, new Date(revokedAt.getTime() + tokenLifetime), clock());
    },
    async apiKey(keyId, expiresAt) {
      const now = clock();
      await putRevocation(js, 'apikey', keyId, expiresAt ?? new Date(now.getTime() + MAX_REVOCATION_TTL_MS), now);
    },
    async user(userId) {
      const now = clock();
      await putRevocation(js, 'user', userId, new Date(now.getTime() + tokenLifetime), now);
    },
  };
}

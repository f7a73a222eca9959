import { randomUUID } from 'node:crypto';
import { AppError, identityEvents, outboxOnCreate, outboxOnUpdate, updateAndRead, type OutboxRelay } from '@profile-graph/kit';
import type { SessionModel } from './sessionModel';
import { newRefreshToken, parseRefreshToken } from './refreshToken';

export interface IssuedSession {
  token: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  userId: string;
}

type SignAccess = (claims: { userId: string; sessionId: string }) => Promise<{ token: string; expiresAt: Date }>;

/** How many traded hashes a session remembers for reuse detection; older ones are simply unknown (no revocation). */
const REMEMBERED_HASHES = 50;

const invalid = () => new AppError('UNAUTHENTICATED', 'The refresh token is invalid, expired or revoked; sign in again.');

export interface SessionService {
  start(userId: string): Promise<IssuedSession>;
  refresh(refreshToken: string): Promise<IssuedSession>;
  /** Revokes the session of `refreshToken` if it belongs to `userId`; false when there was nothing to revoke. */
  signOut(refreshToken: string, userId: string): Promise<boolean>;
}

/**
 * Refresh-token rotation with reuse detection (OAuth 2.0 Security BCP
 * §4.14): each refresh token is single-use; trading it yields a new one. If
 * an already traded token comes back, someone holds a copy, so the whole
 * session is revoked and both parties must sign in again. Tokens are stored
 * only as SHA-256 hashes.
 */
export function createSessionService(deps: { sessions: SessionModel; relay: OutboxRelay; signAccess: SignAccess; refreshTtlSeconds: number }): SessionService {
  const { sessions, relay, signAccess } = deps;
  const expiry = () => new Date(Date.now() + deps.refreshTtlSeconds * 1000);

  async function issue(userId: string, sessionId: string, refreshToken: string): Promise<IssuedSession> {
    const access = await signAccess({ userId, sessionId });
    return { token: access.token, accessTokenExpiresAt: access.expiresAt, refreshToken, userId };
  }

  async function revoke(sessionId: string, userId: string, reason: 'signed_out' | 'reuse_detected'): Promise<boolean> {
    const event = identityEvents.sessionRevoked.create({ sessionId, userId, reason }, userId);
    const result = await sessions.updateOne(
      { _id: sessionId, revokedAt: null },
      outboxOnUpdate([event], { $set: { revokedAt: new Date(), revokedReason: reason } }),
    );
    relay.kick();
    return result.modifiedCount === 1;
  }

  return {
    async start(userId) {
      const sessionId = randomUUID();
      const { token, hash } = newRefreshToken(sessionId);
      const event = identityEvents.sessionStarted.create({ sessionId, userId }, userId);
      await sessions.create({ _id: sessionId, userId, refreshHash: hash, usedHashes: [], expiresAt: expiry(), ...outboxOnCreate([event]) });
      relay.kick();
      return issue(userId, sessionId, token);
    },

    async refresh(refreshToken) {
      const parsed = parseRefreshToken(refreshToken);
      if (!parsed) throw invalid();
      const next = newRefreshToken(parsed.sessionId);
      // One conditional write: only the current, unrevoked, unexpired token trades, and only once (a racing copy loses).
      const traded = await updateAndRead(
        sessions,
        { _id: parsed.sessionId, refreshHash: parsed.hash, revokedAt: null, expiresAt: { $gt: new Date() } },
        { $set: { refreshHash: next.hash }, $push: { usedHashes: { $each: [parsed.hash], $slice: -REMEMBERED_HASHES } } },
      );
      if (traded) return issue(traded.userId, traded._id, next.token);
      const session = await sessions.findById(parsed.sessionId).select({ userId: 1, usedHashes: 1, revokedAt: 1 }).lean().exec();
      if (session && !session.revokedAt && (session.usedHashes ?? []).includes(parsed.hash)) {
        await revoke(session._id, session.userId, 'reuse_detected');
      }
      throw invalid();
    },

    async signOut(refreshToken, userId) {
      const parsed = parseRefreshToken(refreshToken);
      if (!parsed) return false;
      const session = await sessions.findById(parsed.sessionId).select({ userId: 1, refreshHash: 1, usedHashes: 1 }).lean().exec();
      // A token of someone else's session must not sign them out; answer as if it were unknown.
      if (!session || session.userId !== userId) return false;
      if (session.refreshHash !== parsed.hash && !(session.usedHashes ?? []).includes(parsed.hash)) return false;
      return revoke(session._id, userId, 'signed_out');
    },
  };
}

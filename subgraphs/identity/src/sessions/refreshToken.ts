import { createHash, randomBytes } from 'node:crypto';

/** Recognisable in logs and secret scanners; the session id lets us find the family without a lookup by secret. */
export const REFRESH_TOKEN_PREFIX = 'pgr_';
const FORM = /^pgr_([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/;

export interface ParsedRefreshToken {
  sessionId: string;
  hash: string;
}

/** SHA-256 is enough here: the secret is 256 random bits, so there is nothing to brute-force (unlike a password). */
export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

export function newRefreshToken(sessionId: string): { token: string; hash: string } {
  const token = `${REFRESH_TOKEN_PREFIX}${sessionId}.${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashSecret(token) };
}

/** Null for anything that is not one of our refresh tokens: no database read for garbage. */
export function parseRefreshToken(token: string): ParsedRefreshToken | null {
  const match = FORM.exec(token.trim());
  return match ? { sessionId: match[1]!, hash: hashSecret(token.trim()) } : null;
}

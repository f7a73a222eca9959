import { createHash, randomBytes } from 'node:crypto';

/** Recognisable by people and by secret scanners (GitHub push protection and the like). */
export const API_KEY_PREFIX = 'pgk_live_';
/** 32 random bytes in base64url: 43 characters. */
export const API_KEY_FORM = /^pgk_live_[A-Za-z0-9_-]{43}$/;
/** How much of the key is kept in clear, to recognise it in a list. */
const SHOWN = API_KEY_PREFIX.length + 4;

/**
 * SHA-256, not scrypt: the secret is 256 random bits, so there is no
 * dictionary to try and a slow hash would only slow every lookup. The hash
 * is also what the gateway sends over NATS, so the secret never leaves the
 * gateway's memory.
 */
export const hashApiKey = (secret: string): string => createHash('sha256').update(secret).digest('hex');

export function newApiKeySecret(): { secret: string; hash: string; prefix: string } {
  const secret = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { secret, hash: hashApiKey(secret), prefix: secret.slice(0, SHOWN) };
}

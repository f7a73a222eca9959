import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** `Authorization: Bearer <token>` whose SHA-256 is `sha256Hex`; always false without one (fail closed). */
export function bearerTokenCheck(sha256Hex: string | undefined) {
  const expected = sha256Hex ? Buffer.from(sha256Hex, 'hex') : undefined;
  return (req: IncomingMessage): boolean => {
    const match = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''));
    if (!expected || !match) return false;
    return timingSafeEqual(createHash('sha256').update(match[1]!).digest(), expected);
  };
}

/**
 * The `exp` of a JWT in ms, read without verifying it, or undefined when it
 * cannot be read. Only for deciding how long to keep something the caller has
 * verified or signed itself: never a reason to trust the token.
 */
export function tokenExpiresAtMs(token: string): number | undefined {
  try {
    const exp = (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

import { ExpiringMap } from './expiringMap';
import { tokenExpiresAtMs } from './tokenExpiresAtMs';

/** Verified tokens kept; the oldest goes first past it. */
const MAX_ENTRIES = 10_000;
/** Longest a verification is trusted again without checking the signature anew. */
const MAX_REUSE_MS = 60_000;

/**
 * Remembers which session tokens verified, so a signed-in client's next
 * requests cost a map lookup instead of an Ed25519 verification each (the
 * second signature cost per signed-in request in the issue 19 profile).
 *
 * Safe because verifying the same token string again can only give the same
 * answer until it expires: an entry is used only before the token's `exp`
 * (and for at most 60 s), a failure is never kept, and revocation is not
 * decided here: the caller still checks every request's session against the
 * revocation list (IdentityLink.checkSession) after this returns.
 */
export function cachingSessionVerifier<T>(verify: (token: string) => Promise<T>, now: () => number = Date.now): (token: string) => Promise<T> {
  const entries = new ExpiringMap<Promise<T>>(MAX_ENTRIES);
  return (token) => {
    const at = now();
    const cached = entries.get(token, at);
    if (cached) return cached.value;
    const claims = verify(token);
    const expires = tokenExpiresAtMs(token);
    if (expires === undefined || expires <= at) return claims;
    const entry = entries.set(token, claims, Math.min(expires, at + MAX_REUSE_MS), at);
    claims.catch(() => entries.deleteIf(token, entry));
    return claims;
  };
}

import type { Viewer, ViewerSigner } from '@profile-graph/core';
import { canonicalViewer } from './canonicalViewer';
import { ExpiringMap } from '../auth/expiringMap';
import { tokenExpiresAtMs } from '../auth/tokenExpiresAtMs';

/** Longest a token is handed out again after it was signed. */
const REUSE_MS = 10_000;
/** Life a token must still have when handed out, so it outlives the call it goes with. */
const MIN_LIFE_LEFT_MS = 15_000;
/** Distinct (viewer, subgraph) tokens kept; the oldest goes first past it. */
const MAX_ENTRIES = 10_000;

/**
 * Signs each (viewer, subgraph) once and hands the same token to the fetches
 * that follow for up to 10 s, instead of an Ed25519 signature per subgraph
 * fetch (the largest cost of a signed-in request in the issue 19 profile).
 *
 * Safe because the token says nothing but the viewer, the audience and its
 * lifetime: subgraphs check signature, issuer, audience and expiry, with no
 * nonce, and a reused token still expires within its 30 s, so a captured one
 * is replayable for no longer than before. The viewer is keyed whole
 * (canonically: client address and origin included), so two viewers never
 * share a token. A token is not reused once less than 15 s of its life is
 * left, and a failed signature is not kept.
 */
export function reusingViewerSigner(sign: ViewerSigner, now: () => number = Date.now): ViewerSigner {
  const entries = new ExpiringMap<Promise<string>>(MAX_ENTRIES);
  return (viewer: Viewer, subgraph: string) => {
    const key = `${subgraph}\u0000${canonicalViewer(viewer)}`;
    const at = now();
    const cached = entries.get(key, at);
    if (cached) return cached.value;
    const entry = entries.set(key, sign(viewer, subgraph), at + REUSE_MS, at);
    entry.value.then(
      (token) => {
        const expires = tokenExpiresAtMs(token);
        entry.until = expires === undefined ? 0 : Math.min(entry.until, expires - MIN_LIFE_LEFT_MS);
      },
      () => entries.deleteIf(key, entry),
    );
    return entry.value;
  };
}

import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError, type Viewer } from '@profile-graph/core';

/**
 * Scopes an internal service may be given: each names what a purpose's
 * recipient rule lets it receive (kit consentPurposes: recommendations, ad
 * delivery, model training) or an operator task. Nothing else, so a
 * misconfigured token cannot become a partner or an organization operator.
 */
export const SERVICE_SCOPES = ['hiring:recommendations', 'ads:personalization', 'ml:training', 'operator:subscriptions'] as const;

export interface ServiceTokenEntry {
  /** SHA-256 (hex) of the token. */
  sha256: string;
  scopes: string[];
}

/**
 * Internal services (ad delivery, model training, billing) send
 * `x-service-token`; the gateway holds only SHA-256s of the tokens, each with
 * its scopes. A match becomes a `service` viewer with those scopes and a key
 * id naming the token (first 12 hex of its hash), so access logs say which
 * service read what.
 */
export function createServiceTokenVerifier(entries: readonly ServiceTokenEntry[]) {
  const known = entries.map((entry) => ({ hash: Buffer.from(entry.sha256, 'hex'), scopes: [...entry.scopes], keyId: `service:${entry.sha256.slice(0, 12)}` }));
  return async (token: string): Promise<Viewer> => {
    const actual = createHash('sha256').update(token.trim()).digest();
    // Compare against every entry so the time taken does not say which one matched.
    let match: (typeof known)[number] | undefined;
    for (const entry of known) if (timingSafeEqual(actual, entry.hash)) match = entry;
    if (!match) throw new AppError('UNAUTHENTICATED', 'The service token is not valid.');
    return { kind: 'service', scopes: [...match.scopes], keyId: match.keyId };
  };
}

import { createHash, createHmac } from 'node:crypto';

/**
 * Keyed pseudonyms for the training feed: HMAC-SHA-256 of the user id, so a
 * pseudonym is stable (a model can group one person's examples) but cannot
 * be turned back into a user id, or matched against ids, without the key.
 */
export class Pseudonymizer {
  private readonly cache = new Map<string, string>();

  constructor(private readonly key: Buffer) {}

  of(userId: string): string {
    let pseudonym = this.cache.get(userId);
    if (pseudonym === undefined) {
      pseudonym = createHmac('sha256', this.key).update(userId).digest('base64url').slice(0, 32);
      // Bounded: a cache, not a second copy of the user table.
      if (this.cache.size >= 200_000) this.cache.clear();
      this.cache.set(userId, pseudonym);
    }
    return pseudonym;
  }
}

/** Publicly known, so it pseudonymises nothing outside development and tests; production must set TRAINING_PSEUDONYM_KEY. */
export const developmentPseudonymKey = () => createHash('sha256').update('profile-graph development training pseudonym key').digest();

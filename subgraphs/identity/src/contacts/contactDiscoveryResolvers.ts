import { AppError, badInput, consentingSubjects, requireUser } from '@profile-graph/kit';
import type { UserDoc } from '../models/userModel';
import { isClientPhoneHash } from '../phones/phoneVault';
import type { Resolvers } from '../generated/resolvers';

export const contactDiscoveryResolvers = {
  Query: {
    /**
     * Who among the client's contacts is here: people with an active
     * CONTACT_DISCOVERY consent whose number hashes match. Non-consenting
     * people are filtered out by the database query itself, so they never
     * appear. Charged per hash against a per-user token bucket, which bounds
     * how fast anyone can walk the phone-number space.
     */
    findUsersByPhoneHashes: async (_, args, context, info) => {
      const viewerId = requireUser(context.viewer);
      const { users, phones, contactDiscovery } = context.services;
      if (!Array.isArray(args.hashes)) throw badInput('hashes', 'give a list of SHA-256 hex hashes of E.164 numbers.');
      if (args.hashes.length > contactDiscovery.maxHashes) throw badInput('hashes', `send at most ${contactDiscovery.maxHashes} hashes per call.`);
      const byLookup = new Map<string, string>();
      for (const [index, hash] of args.hashes.entries()) {
        if (!isClientPhoneHash(hash)) throw badInput(`hashes[${index}]`, 'expected 64 hex characters: the SHA-256 of an E.164 number.');
        byLookup.set(phones.lookupHashOf(hash), hash.toLowerCase());
      }
      if (byLookup.size === 0) return [];
      const waitMs = contactDiscovery.bucket.take(viewerId, byLookup.size);
      if (waitMs > 0) {
        const retryAfterSeconds = Number.isFinite(waitMs) ? Math.ceil(waitMs / 1000) : null;
        throw new AppError('RATE_LIMITED', 'Too many contact lookups; try again later.', retryAfterSeconds ? { retryAfterSeconds } : {});
      }
      const consenting = consentingSubjects(info, context.viewer, 'CONTACT_DISCOVERY').filter((id) => id !== viewerId);
      if (consenting.length === 0) return [];
      const found = await users
        .find({ phoneLookupHash: { $in: [...byLookup.keys()] }, _id: { $in: consenting } })
        .select({ phone: 0, biometric: 0, _outbox: 0 })
        .limit(byLookup.size * 4)
        .lean<UserDoc[]>();
      return found.map((user) => ({ phoneHash: byLookup.get(user.phoneLookupHash!)!, user }));
    },
  },
} satisfies Resolvers;

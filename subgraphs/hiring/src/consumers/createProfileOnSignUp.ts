import { defineConsumer, identityEvents, type ConsumeOptions, type ErasureGuard } from '@profile-graph/kit';
import type { HiringProfileModel } from '../models/hiringProfileModel';

/**
 * Every new user gets an empty hiring profile. Upsert-only, so a redelivered event changes nothing; never for an
 * erased user, so a `user.created` arriving after the erasure (another stream, no ordering) or replayed into a
 * fresh database does not bring the profile back.
 */
export function createProfileOnSignUp(profiles: HiringProfileModel, guard: ErasureGuard): ConsumeOptions {
  return defineConsumer({
    stream: 'IDENTITY',
    durable: 'hiring-user-created',
    events: [identityEvents.userCreated],
    handler: async (event) => {
      const { userId } = event.data;
      await guard.write(
        userId,
        () => profiles.updateOne({ _id: userId }, { $setOnInsert: { _id: userId, headline: null, skills: [] } }, { upsert: true }),
        () => profiles.deleteOne({ _id: userId }),
      );
    },
  });
}

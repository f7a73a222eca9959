import type { ConsumeOptions, EventEnvelope } from '@profile-graph/kit';
import type { HiringProfileModel } from '../models/hiringProfileModel';

/** Every new user gets an empty hiring profile. Upsert-only, so a redelivered event changes nothing. */
export function createProfileOnSignUp(profiles: HiringProfileModel): ConsumeOptions {
  return {
    stream: 'IDENTITY',
    durable: 'hiring-user-created',
    filterSubjects: ['identity.v1.user.created'],
    handler: async (event: EventEnvelope) => {
      const userId = String(event.data.userId);
      await profiles.updateOne({ _id: userId }, { $setOnInsert: { _id: userId, headline: null, skills: [] } }, { upsert: true });
    },
  };
}

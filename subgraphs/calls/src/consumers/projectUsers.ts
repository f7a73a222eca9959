import { isDuplicateKeyError, type ConsumeOptions } from '@profile-graph/kit';
import type { CallUserModel } from '../models/callUserModel';

/** Keeps the handle → id projection that `startCall(calleeHandle)` needs. Upserts, so redelivery is harmless. */
export function projectUsers(users: CallUserModel): ConsumeOptions {
  return {
    stream: 'IDENTITY',
    durable: 'calls-user-projection',
    filterSubjects: ['identity.v1.user.created'],
    handler: async (event) => {
      const userId = String(event.data.userId);
      const handleLower = String(event.data.handle).toLowerCase();
      try {
        // Never over a tombstone: a late redelivery must not bring a deleted user back.
        await users.updateOne({ _id: userId, deletedAt: { $exists: false } }, { $set: { handleLower } }, { upsert: true });
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
    },
  };
}

import { defineConsumer, identityEvents, type ConsumeOptions } from '@profile-graph/kit';
import type { CallsServices } from '../callsServices';
import { loadState, transitionCall } from '../lifecycle/callChanges';
import { isLive } from '../lifecycle/callState';

/**
 * On `identity.v1.user.deleted`: a live call of theirs fails, their handle
 * stops resolving, their own settings go, and every call they took part in
 * loses their id, so the other participant keeps the call in their history
 * without learning anything more about the deleted account. Each step is
 * repeatable, so a redelivered event finds nothing left to do.
 */
export function anonymizeDeletedUsers(services: CallsServices): ConsumeOptions {
  return defineConsumer({
    stream: 'IDENTITY',
    durable: 'calls-user-deletion',
    events: [identityEvents.userDeleted],
    handler: async (event) => {
      await eraseUserFromCalls(services, event.data.userId);
    },
  });
}

export async function eraseUserFromCalls(services: CallsServices, userId: string): Promise<void> {
  const { calls, changes, users, privacy, verifications } = services;
  // The tombstone keeps no profile version or time: deletedAt alone refuses every later handle change.
  await users.updateOne({ _id: userId }, { $set: { handleLower: `deleted:${userId}`, deletedAt: services.clock() }, $unset: { profileVersion: 1, profileAt: 1 } }, { upsert: true });
  await privacy.deleteOne({ _id: userId });
  await verifications.deleteOne({ _id: userId });
  await privacy.updateMany({ $or: [{ allowed: userId }, { blocked: userId }] }, { $pull: { allowed: userId, blocked: userId } });

  for (const call of await calls.find({ participantIds: userId, phase: { $in: ['RINGING', 'ACTIVE'] } }).lean()) {
    if (isLive((await loadState(services, call)).status)) await transitionCall(services, call, 'FAIL', null).catch(() => undefined);
  }
  await changes.updateMany({ by: userId }, { $set: { by: null } });
  // One write per call, so the other participant never sees a half-anonymized call.
  for await (const call of calls.find({ participantIds: userId }).lean().cursor()) {
    await calls.updateOne(
      { _id: call._id },
      {
        $set: {
          callerId: call.callerId === userId ? null : call.callerId,
          calleeId: call.calleeId === userId ? null : call.calleeId,
          participantIds: call.participantIds.filter((id) => id !== userId),
          anonymized: true,
        },
      },
    );
  }
}

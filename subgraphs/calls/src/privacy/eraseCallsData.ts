import type { CallsServices } from '../callsServices';
import { eraseUserFromCalls } from '../consumers/anonymizeDeletedUsers';

/**
 * calls' step of the erasure saga: the same anonymization as on
 * identity.v1.user.deleted (live calls fail, the user's id leaves every call
 * and change, their settings and verification go, their handle is released
 * and a tombstone keeps a late user.created from bringing them back), run
 * as soon as the request arrives so calls can report completion itself.
 */
export async function eraseCallsData(services: CallsServices, userId: string): Promise<Record<string, number>> {
  const calls = await services.calls.countDocuments({ participantIds: userId });
  const changes = await services.changes.countDocuments({ by: userId });
  await eraseUserFromCalls(services, userId);
  return { callsAnonymized: calls, callChangesAnonymized: changes };
}

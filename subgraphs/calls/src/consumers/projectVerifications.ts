import { isDuplicateKeyError, defineConsumer, identityEvents } from '@profile-graph/kit';
import type { ConsumeOptions, ErasureGuard, EventEnvelope } from '@profile-graph/kit';
import type { CallerVerificationModel } from '../models/callerVerificationModel';

/**
 * What a verification event says about "verified", or null when it says
 * nothing: a failed or pending re-verification does not take away an earlier
 * success; only revocation or expiry does.
 */
export function verifiedFromEvent(event: Pick<EventEnvelope, 'type' | 'data'>): boolean | null {
  if (event.type === 'identity.v1.user.verified') return event.data.verified === false ? false : true;
  const status = String(event.data.status ?? '').toUpperCase();
  if (status === 'VERIFIED' || status === 'APPROVED' || status === 'SUCCEEDED') return true;
  if (status === 'REVOKED' || status === 'EXPIRED') return false;
  return null;
}

/**
 * Projection of identity's verification outcomes for VERIFIED_ONLY callees.
 * Until identity publishes them every user is unverified. Ordered by the
 * event's time: an older event (redelivered or late) never overwrites a newer one.
 * Never for an erased user: a late verification does not bring their record back.
 */
export function projectVerifications(verifications: CallerVerificationModel, guard: ErasureGuard): ConsumeOptions {
  return defineConsumer({
    stream: 'IDENTITY',
    durable: 'calls-verification-projection',
    events: [identityEvents.userVerified, identityEvents.verificationCompleted],
    handler: async (event) => {
      const verified = verifiedFromEvent(event);
      if (verified === null) return;
      await applyVerification(verifications, guard, event.data.userId, verified, new Date(event.occurredAt));
    },
  });
}

/** Stores one outcome unless a newer one is stored, never for an erased user (events and identity's snapshot alike). */
export async function applyVerification(verifications: CallerVerificationModel, guard: ErasureGuard, userId: string, verified: boolean, eventAt: Date): Promise<void> {
  await guard.write(
    userId,
    async () => {
      try {
        await verifications.updateOne({ _id: userId, eventAt: { $lte: eventAt } }, { $set: { verified, eventAt } }, { upsert: true });
      } catch (error) {
        // A newer outcome is stored: the filter missed and the upsert hit its _id.
        if (!isDuplicateKeyError(error)) throw error;
      }
    },
    () => verifications.deleteOne({ _id: userId }),
  );
}

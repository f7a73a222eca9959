import { consentEvents, defineConsumer, type ConsumeOptions, type ErasureGuard, type OutboxRelay } from '@profile-graph/kit';
import type { UserModel } from '../models/userModel';
import { destroyBiometric } from './destroyBiometric';

/**
 * consent.v1.consent.withdrawn for BIOMETRIC_VERIFICATION destroys the
 * user's template. One durable consumer shared by every identity instance
 * (each withdrawal reaches one of them), and a conditional write, so a
 * redelivery or a second instance destroys and records nothing twice. Only a
 * withdrawal newer than the grant the template was collected under counts: a
 * replayed old withdrawal never destroys a template made after a new grant.
 * It never creates a user document (no upsert), and an erased user's
 * withdrawal is not even read: the erasure deleted the account and the
 * template, and the guard keeps a late one from touching anything.
 */
export function destroyBiometricsOnWithdrawal(deps: { users: UserModel; relay: OutboxRelay; clock: () => Date; guard: ErasureGuard }): ConsumeOptions {
  return defineConsumer({
    stream: 'CONSENT',
    durable: 'identity-biometric-destruction',
    events: [consentEvents.consentWithdrawn],
    handler: async (event) => {
      const { userId, purpose, version } = event.data;
      if (purpose !== 'BIOMETRIC_VERIFICATION') return;
      const { users, relay, clock, guard } = deps;
      if (await guard.isErased(userId)) return;
      // Remembered first, so an enrollment racing this withdrawal cannot store its template afterwards.
      await users.updateOne(
        { _id: userId, $or: [{ biometricConsentWithdrawnVersion: { $exists: false } }, { biometricConsentWithdrawnVersion: { $lt: version } }] },
        { $set: { biometricConsentWithdrawnVersion: version } },
      );
      const user = await users.findById(userId).select({ 'biometric.enrollmentId': 1, 'biometric.enrolledAt': 1, 'biometric.consentVersion': 1 }).lean();
      const enrollment = user?.biometric;
      if (!enrollment || enrollment.consentVersion >= version) return;
      if (await destroyBiometric(users, userId, enrollment, 'CONSENT_WITHDRAWN', clock())) relay.kick();
    },
  });
}

import { randomUUID } from 'node:crypto';
import { outboxOnUpdate, identityEvents } from '@profile-graph/kit';
import type { BiometricDestructionDoc, BiometricDestructionReason, UserModel } from '../models/userModel';

export const BIOMETRIC_TEMPLATE_DESCRIPTION = 'face biometric template from ID verification (encrypted)';

export function destructionRecord(
  enrollment: { enrollmentId: string; enrolledAt: Date },
  reason: BiometricDestructionReason,
  destroyedAt: Date,
): BiometricDestructionDoc {
  return { id: randomUUID(), what: BIOMETRIC_TEMPLATE_DESCRIPTION, enrollmentId: enrollment.enrollmentId, enrolledAt: enrollment.enrolledAt, destroyedAt, reason };
}

export function destroyedEvent(userId: string, record: BiometricDestructionDoc) {
  return identityEvents.biometricDestroyed.create(
    { userId, enrollmentId: record.enrollmentId, reason: record.reason, destroyedAt: record.destroyedAt.toISOString() },
    userId,
  );
}

/**
 * Destroys one enrollment's template: removes it, records the destruction
 * and queues identity.v1.biometric.destroyed, in one write conditional on
 * that enrollment still being there. Whoever runs it first (a consumer
 * instance, the sweep, a new enrollment) wins; everyone else finds nothing,
 * so each template is destroyed, recorded and announced exactly once.
 */
export async function destroyBiometric(
  users: UserModel,
  userId: string,
  enrollment: { enrollmentId: string; enrolledAt: Date },
  reason: BiometricDestructionReason,
  now: Date,
  extra: { $set?: Record<string, unknown> } = {},
): Promise<boolean> {
  const record = destructionRecord(enrollment, reason, now);
  const result = await users.updateOne(
    { _id: userId, 'biometric.enrollmentId': enrollment.enrollmentId },
    outboxOnUpdate([destroyedEvent(userId, record)], { ...extra, $unset: { biometric: 1 }, $push: { biometricDestructions: record } }),
  );
  return result.modifiedCount === 1;
}

import { consentPurposes } from '@profile-graph/kit';
import type { BiometricRetentionRule } from '../generated/enums';

/** The published biometric retention schedule (Query.biometricRetentionPolicy, README "Biometric retention schedule"). */
export interface BiometricPolicy {
  retentionDays: number;
  destroyAfterVerification: boolean;
  sweepIntervalMs: number;
}

const DAY_MS = 24 * 3600 * 1000;

export const retentionUntil = (policy: BiometricPolicy, lastInteractionAt: Date) => new Date(lastInteractionAt.getTime() + policy.retentionDays * DAY_MS);

export function describePolicy(policy: BiometricPolicy) {
  // The kit's purposes table is the one list of who receives data under BIOMETRIC_VERIFICATION.
  const processors = consentPurposes.BIOMETRIC_VERIFICATION.processors.map((processor) => ({ ...processor }));
  const rule: BiometricRetentionRule = policy.destroyAfterVerification ? 'DESTROYED_AFTER_VERIFICATION' : 'KEPT_UNTIL_RETENTION_ENDS';
  return {
    rule,
    retentionDaysAfterLastInteraction: policy.retentionDays,
    destroyedOnConsentWithdrawal: true,
    destroyedWithinSecondsOfWithdrawal: 1,
    destroyedAfterVerification: policy.destroyAfterVerification,
    sweepIntervalSeconds: Math.round(policy.sweepIntervalMs / 1000),
    sharedWithThirdParties: processors.length > 0,
    processors,
    summary:
      'Face templates made during ID verification are encrypted at rest, never returned by the API, and never sold, leased, traded or shared with other services or partners. ' +
      `The ID image and the selfie are sent to ${processors.map((p) => p.name).join(', ')}, which processes them on our behalf; we store neither. ` +
      (policy.destroyAfterVerification
        ? 'Each template is destroyed as soon as the verification it was made for has completed, so none is kept. '
        : `Templates are kept for re-verification and destroyed when you withdraw BIOMETRIC_VERIFICATION consent (within a second), when a newer verification replaces them, and at the latest ${policy.retentionDays} days after your last verification. `) +
      'Every destruction is recorded and listed to you.',
  };
}

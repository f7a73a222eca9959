/** The published biometric retention schedule (Query.biometricRetentionPolicy, README "Biometric retention schedule"). */
export interface BiometricPolicy {
  retentionDays: number;
  destroyAfterVerification: boolean;
  sweepIntervalMs: number;
}

const DAY_MS = 24 * 3600 * 1000;

export const retentionUntil = (policy: BiometricPolicy, lastInteractionAt: Date) => new Date(lastInteractionAt.getTime() + policy.retentionDays * DAY_MS);

export function describePolicy(policy: BiometricPolicy) {
  return {
    retentionDaysAfterLastInteraction: policy.retentionDays,
    destroyedOnConsentWithdrawal: true,
    destroyedWithinSecondsOfWithdrawal: 1,
    destroyedAfterVerification: policy.destroyAfterVerification,
    sweepIntervalSeconds: Math.round(policy.sweepIntervalMs / 1000),
    sharedWithThirdParties: false,
    summary:
      'Face templates made during ID verification are encrypted at rest, never returned by the API and never sold or shared. ' +
      'Each is destroyed when you withdraw BIOMETRIC_VERIFICATION consent (within a second), ' +
      (policy.destroyAfterVerification ? 'as soon as the verification it was made for has completed, ' : 'when a newer verification replaces it, ') +
      `and at the latest ${policy.retentionDays} days after your last interaction with the service. Every destruction is recorded and listed to you.`,
  };
}

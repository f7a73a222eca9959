import { badInput, consentPurposes, type ConsentPurpose } from '@profile-graph/kit';

export interface GrantConsentInput {
  purpose: ConsentPurpose;
  policyVersion: string;
  writtenRelease?: { signerName: string; signedAt: Date } | null;
}

/** Names the bad field; a refused grant records nothing. */
export function validateGrant(input: GrantConsentInput, now = new Date()): GrantConsentInput {
  const policyVersion = input.policyVersion.trim();
  if (policyVersion.length < 1 || policyVersion.length > 40) throw badInput('input.policyVersion', 'use 1 to 40 characters.');
  if (consentPurposes[input.purpose].writtenReleaseRequired) {
    const release = input.writtenRelease;
    if (!release) {
      throw badInput('input.writtenRelease', `${input.purpose} requires a written release (signer name and signing time), as Illinois BIPA demands.`);
    }
    const signerName = release.signerName.trim();
    if (signerName.length < 2 || signerName.length > 120) throw badInput('input.writtenRelease.signerName', 'use 2 to 120 characters.');
    if (release.signedAt.getTime() > now.getTime() + 60_000) throw badInput('input.writtenRelease.signedAt', 'cannot be in the future.');
    return { purpose: input.purpose, policyVersion, writtenRelease: { signerName, signedAt: release.signedAt } };
  }
  return { purpose: input.purpose, policyVersion, writtenRelease: null };
}

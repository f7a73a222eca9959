import { badInput, consentPurposes, type ConsentPurpose } from '@profile-graph/kit';
import type { ConsentLedgerEntry } from '../models/consentStateModel';
import { requireNoticePurpose } from '../notices/noticeRegistry';

export interface GrantConsentInput {
  purpose: ConsentPurpose;
  policyVersion: string;
  writtenRelease?: { signerName: string; signedAt: Date } | null;
  jurisdiction?: string | null;
}

export interface ValidGrant extends Omit<GrantConsentInput, 'writtenRelease'> {
  writtenRelease: ConsentLedgerEntry['writtenRelease'];
}

/** ISO 3166-1 alpha-2, optionally with an ISO 3166-2 subdivision: DE, US-IL, GB-SCT. */
const JURISDICTION = /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/;

function validateJurisdiction(value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  const jurisdiction = value.trim().toUpperCase();
  if (!JURISDICTION.test(jurisdiction)) throw badInput('input.jurisdiction', 'use an ISO 3166 code such as DE or US-IL.');
  return jurisdiction;
}

/** Names the bad field; a refused grant records nothing. */
export function validateGrant(input: GrantConsentInput, now = new Date()): ValidGrant {
  const policyVersion = input.policyVersion.trim();
  if (policyVersion.length < 1 || policyVersion.length > 40) throw badInput('input.policyVersion', 'use 1 to 40 characters.');
  // A consent points at a text the user could read: the version must be a registered notice.
  const notice = requireNoticePurpose(policyVersion, input.purpose);
  const jurisdiction = validateJurisdiction(input.jurisdiction);
  if (consentPurposes[input.purpose].writtenReleaseRequired) {
    const release = input.writtenRelease;
    if (!release) {
      throw badInput('input.writtenRelease', `${input.purpose} requires a written release (signer name and signing time), as Illinois BIPA demands.`);
    }
    const signerName = release.signerName.trim();
    if (signerName.length < 2 || signerName.length > 120) throw badInput('input.writtenRelease.signerName', 'use 2 to 120 characters.');
    if (release.signedAt.getTime() > now.getTime() + 60_000) throw badInput('input.writtenRelease.signedAt', 'cannot be in the future.');
    // The release keeps what was signed, not only who signed and when.
    return {
      purpose: input.purpose,
      policyVersion,
      writtenRelease: { signerName, signedAt: release.signedAt, noticeVersion: policyVersion, purposeText: notice.text, retention: notice.retention },
      jurisdiction,
    };
  }
  return { purpose: input.purpose, policyVersion, writtenRelease: null, jurisdiction };
}

import { consentPurposes, type ConsentPurpose } from '@profile-graph/kit';
import type { ConsentLedgerEntry } from '../models/consentStateModel';

export interface ReceiptController {
  name: string;
  contact: string;
  email: string;
  address: string;
  country: string;
  policyUrl: string;
  defaultJurisdiction: string;
}

/** What each purpose processes and why, in the receipt's words (piiCategory, purpose text, termination). */
const purposeDetails: Record<ConsentPurpose, { text: string; piiCategory: string[]; termination: string }> = {
  BIOMETRIC_VERIFICATION: {
    text: 'Verify your identity with a face template (biometric identifier).',
    piiCategory: ['biometric template'],
    termination: 'On withdrawal, when verification is no longer needed, or at the latest by the published retention schedule; the template is then destroyed.',
  },
  HIRING_RECOMMENDATIONS: { text: 'Recommend jobs from your hiring profile and activity.', piiCategory: ['hiring profile', 'job-search activity'], termination: 'On withdrawal.' },
  EMPLOYER_SHARING: { text: 'Show your hiring profile to employers you apply to or who find you.', piiCategory: ['skills', 'employment history', 'education history'], termination: 'On withdrawal.' },
  CANDIDATE_DISCOVERY: { text: 'Let employers find you in candidate search.', piiCategory: ['hiring profile'], termination: 'On withdrawal.' },
  AD_PERSONALIZATION: { text: 'Personalise first-party advertising.', piiCategory: ['profile', 'activity'], termination: 'On withdrawal.' },
  MODEL_TRAINING: { text: 'Train machine-learning models with your data.', piiCategory: ['profile', 'activity'], termination: 'On withdrawal; already trained models are not retrained retroactively.' },
  CONTACT_DISCOVERY: { text: 'Let others find you by your phone number (shown masked).', piiCategory: ['phone number'], termination: 'On withdrawal.' },
};

/**
 * A consent receipt in the Kantara Initiative Consent Receipt v1.1 shape, for
 * one grant. Built from the immutable ledger entry, so the same entry always
 * yields the same receipt.
 */
export function buildConsentReceipt(userId: string, purpose: ConsentPurpose, entry: ConsentLedgerEntry, controller: ReceiptController): Record<string, unknown> {
  if (entry.status !== 'GRANTED' || !entry.receiptId) throw new Error('receipts are issued for grants only');
  const details = purposeDetails[purpose];
  const definition = consentPurposes[purpose];
  const sensitive = purpose === 'BIOMETRIC_VERIFICATION';
  const thirdParty = 'thirdPartySharing' in definition && definition.thirdPartySharing === true;
  return {
    version: 'KI-CR-v1.1.0',
    jurisdiction: entry.jurisdiction ?? controller.defaultJurisdiction,
    consentTimestamp: Math.floor(new Date(entry.recordedAt).getTime() / 1000),
    collectionMethod: entry.method === 'WRITTEN_RELEASE' ? 'written release (signed)' : 'explicit opt-in',
    consentReceiptID: entry.receiptId,
    language: 'en',
    piiPrincipalId: userId,
    piiControllers: [
      {
        piiController: controller.name,
        onBehalf: false,
        contact: controller.contact,
        address: { streetAddress: controller.address, addressCountry: controller.country },
        email: controller.email,
        piiControllerUrl: controller.policyUrl,
      },
    ],
    policyUrl: controller.policyUrl,
    services: [
      {
        service: 'profile-graph',
        purposes: [
          {
            purpose: details.text,
            purposeCategory: [definition.dataUse],
            consentType: 'EXPLICIT',
            piiCategory: details.piiCategory,
            primaryPurpose: false,
            termination: details.termination,
            thirdPartyDisclosure: thirdParty,
            ...(thirdParty ? { thirdPartyName: 'Employers the user applies to or is discovered by' } : {}),
          },
        ],
      },
    ],
    sensitive,
    spiCat: sensitive ? ['biometric'] : [],
    // Extensions beyond v1.1, kept under one key: the ledger facts the receipt was issued from.
    extensions: {
      purposeCode: purpose,
      ledgerVersion: entry.version,
      policyVersion: entry.policyVersion,
      ...(entry.writtenRelease ? { writtenRelease: { signerName: entry.writtenRelease.signerName, signedAt: new Date(entry.writtenRelease.signedAt).toISOString() } } : {}),
    },
  };
}

import { consentPurposes, type ConsentPurpose } from '@profile-graph/kit';
import type { ConsentLedgerEntry } from '../models/consentStateModel';
import { CURRENT_NOTICE_VERSION, privacyNotice } from '../notices/noticeRegistry';

export interface ReceiptController {
  name: string;
  contact: string;
  email: string;
  address: string;
  country: string;
  policyUrl: string;
  defaultJurisdiction: string;
}

/**
 * A consent receipt in the Kantara Initiative Consent Receipt v1.1 shape, for
 * one grant. Built from the immutable ledger entry, so the same entry always
 * yields the same receipt.
 */
export function buildConsentReceipt(userId: string, purpose: ConsentPurpose, entry: ConsentLedgerEntry, controller: ReceiptController): Record<string, unknown> {
  if (entry.status !== 'GRANTED' || !entry.receiptId) throw new Error('receipts are issued for grants only');
  // The notice the grant cited (grants from before the registry: the current one) says what was agreed to.
  const notice = privacyNotice(entry.policyVersion ?? '') ?? privacyNotice(CURRENT_NOTICE_VERSION)!;
  const details = notice.purposes.find((candidate) => candidate.purpose === purpose)!;
  const definition = consentPurposes[purpose];
  const sensitive = purpose === 'BIOMETRIC_VERIFICATION';
  // Anyone outside profile-graph who receives the data is a disclosure: employers, and processors such as the verification provider.
  const thirdPartyNames = [...(definition.thirdPartySharing ? [details.recipients] : []), ...details.processors.map((processor) => `${processor.name} (${processor.role})`)];
  const thirdParty = thirdPartyNames.length > 0;
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
            piiCategory: details.dataCategories,
            primaryPurpose: false,
            termination: details.retention,
            thirdPartyDisclosure: thirdParty,
            ...(thirdParty ? { thirdPartyName: thirdPartyNames.join('; ') } : {}),
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
      recipients: details.recipients,
      processors: details.processors,
      ...(entry.writtenRelease
        ? {
            writtenRelease: {
              signerName: entry.writtenRelease.signerName,
              signedAt: new Date(entry.writtenRelease.signedAt).toISOString(),
              noticeVersion: entry.writtenRelease.noticeVersion ?? null,
            },
          }
        : {}),
    },
  };
}

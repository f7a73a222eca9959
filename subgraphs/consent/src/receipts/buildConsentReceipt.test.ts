import { buildConsentReceipt, type ReceiptController } from './buildConsentReceipt';

const controller: ReceiptController = {
  name: 'Profile Graph',
  contact: 'Privacy Office',
  email: 'privacy@example.test',
  address: '1 Main St',
  country: 'US',
  policyUrl: 'https://example.test/privacy',
  defaultJurisdiction: 'US',
};

describe('buildConsentReceipt', () => {
  it('issues a Kantara CR v1.1 receipt for a biometric grant with the written release', () => {
    const receipt = buildConsentReceipt(
      'user-1',
      'BIOMETRIC_VERIFICATION',
      {
        version: 3,
        status: 'GRANTED',
        policyVersion: '2026-01',
        method: 'WRITTEN_RELEASE',
        writtenRelease: { signerName: 'Ada Lovelace', signedAt: new Date('2026-01-02T03:04:05Z'), noticeVersion: '2026-01' },
        jurisdiction: 'US-IL',
        receiptId: 'r-1',
        recordedAt: new Date('2026-01-02T03:04:06Z'),
      },
      controller,
    );
    expect(receipt).toMatchObject({
      version: 'KI-CR-v1.1.0',
      jurisdiction: 'US-IL',
      consentTimestamp: Date.parse('2026-01-02T03:04:06Z') / 1000,
      consentReceiptID: 'r-1',
      piiPrincipalId: 'user-1',
      policyUrl: 'https://example.test/privacy',
      sensitive: true,
      spiCat: ['biometric'],
      piiControllers: [{ piiController: 'Profile Graph', email: 'privacy@example.test' }],
      // The verification provider receives the images: a disclosure, named, even though nobody else may read the data.
      services: [{ purposes: [{ purposeCategory: ['essential.service.authentication'], consentType: 'EXPLICIT', thirdPartyDisclosure: true, thirdPartyName: expect.stringMatching(/verification provider/) }] }],
      extensions: {
        purposeCode: 'BIOMETRIC_VERIFICATION',
        ledgerVersion: 3,
        recipients: expect.stringMatching(/^nobody but you/),
        processors: [expect.objectContaining({ name: expect.stringMatching(/verification provider/), receives: expect.stringMatching(/government ID image and the selfie/) })],
        writtenRelease: { signerName: 'Ada Lovelace', signedAt: '2026-01-02T03:04:05.000Z', noticeVersion: '2026-01' },
      },
    });
    expect((receipt as any).services[0].purposes[0].termination).toMatch(/3 years after your last verification/);
  });

  it('names third-party disclosure for EMPLOYER_SHARING, falls back to the default jurisdiction, and refuses withdrawals', () => {
    const entry = { version: 1, status: 'GRANTED' as const, policyVersion: 'v1', method: 'EXPLICIT_OPT_IN' as const, receiptId: 'r-2', recordedAt: new Date() };
    const receipt = buildConsentReceipt('user-1', 'EMPLOYER_SHARING', entry, controller) as any;
    expect(receipt.jurisdiction).toBe('US');
    expect(receipt.sensitive).toBe(false);
    expect(receipt.services[0].purposes[0]).toMatchObject({ thirdPartyDisclosure: true, thirdPartyName: expect.stringMatching(/organizations you have an active application with/), purposeCategory: ['employment.recruitment'] });
    // A processing purpose kept in-house discloses nothing.
    expect((buildConsentReceipt('user-1', 'HIRING_RECOMMENDATIONS', entry, controller) as any).services[0].purposes[0].thirdPartyDisclosure).toBe(false);
    expect(() => buildConsentReceipt('user-1', 'EMPLOYER_SHARING', { ...entry, status: 'WITHDRAWN', method: 'WITHDRAWAL', receiptId: null }, controller)).toThrow();
  });
});

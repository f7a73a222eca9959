import { allConsentPurposes } from '@profile-graph/kit';
import { validateGrant } from '../validation/validateGrant';
import { CURRENT_NOTICE_VERSION, privacyNotices, requireNoticePurpose } from './noticeRegistry';

describe('the notice registry', () => {
  it('covers every purpose in every version, with recipients and the verification provider as processor', () => {
    for (const notice of privacyNotices()) {
      expect(notice.purposes.map((entry) => entry.purpose)).toEqual(allConsentPurposes);
      for (const entry of notice.purposes) expect([entry.purpose, entry.text.length > 10, entry.recipients.length > 10, entry.retention.length > 5]).toEqual([entry.purpose, true, true, true]);
    }
    expect(privacyNotices().filter((notice) => notice.current).map((notice) => notice.version)).toEqual([CURRENT_NOTICE_VERSION]);
    const biometric = requireNoticePurpose(CURRENT_NOTICE_VERSION, 'BIOMETRIC_VERIFICATION');
    expect(biometric.processors).toEqual([expect.objectContaining({ name: expect.stringMatching(/verification provider/) })]);
  });

  it('refuses a grant whose policyVersion is not a registered notice, naming the field and the versions', () => {
    expect(() => validateGrant({ purpose: 'EMPLOYER_SHARING', policyVersion: 'whatever-i-like' })).toThrow(/name a registered privacy notice covering EMPLOYER_SHARING: 2026-01, 2026-11, 2026-12/);
    expect(validateGrant({ purpose: 'EMPLOYER_SHARING', policyVersion: ' 2026-11 ' }).policyVersion).toBe('2026-11');
  });

  it('records in a written release the notice version, text and term that were signed', () => {
    const grant = validateGrant({ purpose: 'BIOMETRIC_VERIFICATION', policyVersion: '2026-12', writtenRelease: { signerName: 'Ada Lovelace', signedAt: new Date('2026-12-01T00:00:00Z') } });
    expect(grant.writtenRelease).toEqual({
      signerName: 'Ada Lovelace',
      signedAt: new Date('2026-12-01T00:00:00Z'),
      noticeVersion: '2026-12',
      purposeText: expect.stringMatching(/face template/),
      retention: expect.stringMatching(/at the latest 3 years/),
    });
  });
});

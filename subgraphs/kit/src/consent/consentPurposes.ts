/**
 * The purposes data is processed for, mirrored from `ConsentPurpose` in
 * schema/shared.graphql. `bindsOwner` says whether the data subject is bound
 * too: processing purposes (recommendations, ads, training) are; sharing
 * purposes only gate what others see.
 */
export const consentPurposes = {
  BIOMETRIC_VERIFICATION: { dataUse: 'essential.service.authentication', bindsOwner: false, writtenReleaseRequired: true },
  HIRING_RECOMMENDATIONS: { dataUse: 'personalize.content', bindsOwner: true, writtenReleaseRequired: false },
  EMPLOYER_SHARING: { dataUse: 'employment.recruitment', bindsOwner: false, writtenReleaseRequired: false, thirdPartySharing: true },
  CANDIDATE_DISCOVERY: { dataUse: 'employment.recruitment', bindsOwner: false, writtenReleaseRequired: false },
  AD_PERSONALIZATION: { dataUse: 'marketing.advertising.first_party.targeted', bindsOwner: true, writtenReleaseRequired: false },
  MODEL_TRAINING: { dataUse: 'train_ai_system', bindsOwner: true, writtenReleaseRequired: false },
  CONTACT_DISCOVERY: { dataUse: 'functional.service', bindsOwner: false, writtenReleaseRequired: false },
} as const;

export type ConsentPurpose = keyof typeof consentPurposes;

export const allConsentPurposes = Object.keys(consentPurposes) as ConsentPurpose[];

export function isConsentPurpose(value: unknown): value is ConsentPurpose {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(consentPurposes, value);
}

/** Subject of the last-value stream entry for one user and purpose. */
export const consentStateSubject = (userId: string, purpose: ConsentPurpose) => `consent.v1.state.${userId}.${purpose}`;

import { allConsentPurposes, badInput, consentPurposes, type ConsentPurpose, type Processor } from '@profile-graph/kit';

/** What the notice tells the user about one purpose: what is done, with which data, who receives it, for how long. */
export interface NoticePurpose {
  purpose: ConsentPurpose;
  dataUse: string;
  text: string;
  dataCategories: string[];
  recipients: string;
  processors: Processor[];
  retention: string;
}

export interface PrivacyNotice {
  version: string;
  publishedAt: string;
  current: boolean;
  purposes: NoticePurpose[];
}

/** Per purpose, in the notice's words; recipients and processors come from the kit's purposes table, so they cannot drift. */
const purposeTexts: Record<ConsentPurpose, { text: string; dataCategories: string[]; retention: string }> = {
  BIOMETRIC_VERIFICATION: {
    text: 'Verify your identity with your government ID and a selfie, from which a face template (a biometric identifier) is made.',
    dataCategories: ['government ID image', 'selfie', 'face template'],
    retention:
      'The images are never stored. The template is destroyed when the verification it was made for completes, unless the operator keeps it for re-verification; then at the latest 3 years after your last verification (see biometricRetentionPolicy), and always within a second of your withdrawal.',
  },
  HIRING_RECOMMENDATIONS: {
    text: 'Recommend jobs from your hiring profile and job-search activity.',
    dataCategories: ['hiring profile', 'job-search activity'],
    retention: 'Until you withdraw; job-search activity is deleted then, and at the latest 180 days after it was recorded.',
  },
  EMPLOYER_SHARING: {
    text: 'Show your hiring profile (skills, employment and education history, preferences) to the employers you apply to.',
    dataCategories: ['skills', 'employment history', 'education history', 'job preferences'],
    retention: 'Shared while both this consent and the application stand; withdrawing either ends it within a second.',
  },
  CANDIDATE_DISCOVERY: {
    text: 'Let employers find your candidate card in candidate search.',
    dataCategories: ['headline', 'skills', 'seniority', 'locations', 'remote preference', 'current title'],
    retention: 'Until you withdraw: you leave search results within a second.',
  },
  AD_PERSONALIZATION: {
    text: 'Personalise first-party advertising from interests derived from your hiring profile.',
    dataCategories: ['derived ad interests'],
    retention: 'Derived on each request and never stored; stops within a second of your withdrawal.',
  },
  MODEL_TRAINING: {
    text: 'Train machine-learning models with a pseudonymised copy of your structured profile (skills, seniority, roles, remote preference).',
    dataCategories: ['skills', 'seniority', 'roles', 'remote preference'],
    retention: 'You leave the training feed with its next page after you withdraw; models already trained are not retrained retroactively.',
  },
  CONTACT_DISCOVERY: {
    text: 'Let people who have your phone number find you (the number is shown masked).',
    dataCategories: ['phone number (masked)'],
    retention: 'Until you withdraw.',
  },
};

const purposesOfNotice = (): NoticePurpose[] =>
  allConsentPurposes.map((purpose) => ({
    purpose,
    dataUse: consentPurposes[purpose].dataUse,
    ...purposeTexts[purpose],
    dataCategories: [...purposeTexts[purpose].dataCategories],
    recipients: consentPurposes[purpose].recipientsDescription,
    processors: consentPurposes[purpose].processors.map((processor) => ({ ...processor })),
  }));

/**
 * The notice versions users may consent under. 2026-01 and 2026-11 are the
 * versions clients already send; the registry describes them with what the
 * service does now, and 2026-12 is the current one. A grant naming any
 * other version is refused: a consent must point at a text someone can read.
 */
const registry: readonly { version: string; publishedAt: string }[] = [
  { version: '2026-01', publishedAt: '2026-01-01T00:00:00.000Z' },
  { version: '2026-11', publishedAt: '2026-11-01T00:00:00.000Z' },
  { version: '2026-12', publishedAt: '2026-12-01T00:00:00.000Z' },
];

export const CURRENT_NOTICE_VERSION = registry[registry.length - 1]!.version;

export const privacyNotices = (): PrivacyNotice[] =>
  registry.map(({ version, publishedAt }) => ({ version, publishedAt, current: version === CURRENT_NOTICE_VERSION, purposes: purposesOfNotice() }));

export const privacyNotice = (version: string): PrivacyNotice | null => privacyNotices().find((notice) => notice.version === version) ?? null;

/** The part of `version` that covers `purpose`, or BAD_USER_INPUT naming the field and the versions that exist. */
export function requireNoticePurpose(version: string, purpose: ConsentPurpose): NoticePurpose {
  const notice = privacyNotice(version);
  const covered = notice?.purposes.find((entry) => entry.purpose === purpose);
  if (!covered) {
    throw badInput('input.policyVersion', `name a registered privacy notice covering ${purpose}: ${registry.map((entry) => entry.version).join(', ')} (current ${CURRENT_NOTICE_VERSION}; see Query.privacyNotices).`);
  }
  return covered;
}

import type { ConsentPurpose as SdlConsentPurpose } from '../generated/enums';

/**
 * The purposes data is processed for, keyed by `ConsentPurpose` of
 * schema/shared.graphql (generated: a purpose added to or removed from the SDL
 * fails the typecheck here until it has its row): the one table enforcement, receipts, notices, the
 * export and the README's purposes table follow.
 *
 * - `owner`: what the data subject may read of their own data. `free`: always
 *   (sharing purposes only decide what others see); `bound`: only with the
 *   consent (processing purposes bind the owner too); `none`: the data exists
 *   for a recipient, not for display (ad delivery, model training).
 * - `recipients`: who may receive data under the purpose at all. A consent is
 *   to the purpose *and* to these recipients, never to "anyone": a viewer
 *   outside them is refused whatever the consent state.
 * - `processors`: parties outside profile-graph that receive data to do the
 *   work for us; receipts, notices, the retention policy and the export name them.
 */
export type OwnerRule = 'free' | 'bound' | 'none';

export type RecipientRule =
  /** Nobody but the subject (and the owning subgraph's own code, which reads no field through GraphQL). */
  | { kind: 'nobody' }
  /** Any signed-in user (never anonymous callers, partners or services). */
  | { kind: 'signedInUsers' }
  /** Partner API keys holding `scope`. */
  | { kind: 'partnerScope'; scope: string }
  /** Internal service viewers holding `scope`. */
  | { kind: 'serviceScope'; scope: string }
  /**
   * The organizations the subject holds an active application with: their
   * API keys with `partnerScope`, and their members with one of `memberRoles`,
   * while the application stands. The owning subgraph supplies the relationship.
   */
  | { kind: 'applicantOrganizations'; partnerScope: string; memberRoles: readonly string[] };

export interface Processor {
  name: string;
  /** What it receives. */
  receives: string;
  /** Why, and what it may do with it. */
  role: string;
}

export interface PurposeDefinition {
  dataUse: string;
  owner: OwnerRule;
  recipients: RecipientRule;
  /** The recipients in words, for receipts, notices, the export and the README. */
  recipientsDescription: string;
  processors: readonly Processor[];
  writtenReleaseRequired: boolean;
  thirdPartySharing: boolean;
}

export const VERIFICATION_PROVIDER_PROCESSOR: Processor = {
  name: 'identity verification provider (VERIFICATION_PROVIDER_URL)',
  receives: 'the government ID image and the selfie, once per verification',
  role: 'processor: compares the two and returns a face template and a result; may not keep, sell or reuse them',
};

export const consentPurposes = {
  BIOMETRIC_VERIFICATION: {
    dataUse: 'essential.service.authentication',
    owner: 'free',
    recipients: { kind: 'nobody' },
    recipientsDescription: 'nobody but you and the identity service; the verification provider processes the images on our behalf',
    processors: [VERIFICATION_PROVIDER_PROCESSOR],
    writtenReleaseRequired: true,
    thirdPartySharing: false,
  },
  HIRING_RECOMMENDATIONS: {
    dataUse: 'personalize.content',
    owner: 'bound',
    recipients: { kind: 'serviceScope', scope: 'hiring:recommendations' },
    recipientsDescription: 'you, and internal services holding the hiring:recommendations scope',
    processors: [],
    writtenReleaseRequired: false,
    thirdPartySharing: false,
  },
  EMPLOYER_SHARING: {
    dataUse: 'employment.recruitment',
    owner: 'free',
    recipients: { kind: 'applicantOrganizations', partnerScope: 'applications:read', memberRoles: ['ADMIN', 'RECRUITER'] },
    recipientsDescription:
      'only organizations you have an active application with, while it stands: their API keys with applications:read and their ADMIN and RECRUITER members',
    processors: [],
    writtenReleaseRequired: false,
    thirdPartySharing: true,
  },
  CANDIDATE_DISCOVERY: {
    dataUse: 'employment.recruitment',
    owner: 'free',
    recipients: { kind: 'partnerScope', scope: 'candidates:search' },
    recipientsDescription: 'partner API keys with candidates:search, and only your candidate card (headline, skills, seniority, locations, remote preference, current title)',
    processors: [],
    writtenReleaseRequired: false,
    thirdPartySharing: true,
  },
  AD_PERSONALIZATION: {
    dataUse: 'marketing.advertising.first_party.targeted',
    owner: 'none',
    recipients: { kind: 'serviceScope', scope: 'ads:personalization' },
    recipientsDescription: 'internal ad-delivery services holding the ads:personalization scope; never partners or other users',
    processors: [],
    writtenReleaseRequired: false,
    thirdPartySharing: false,
  },
  MODEL_TRAINING: {
    dataUse: 'train_ai_system',
    owner: 'none',
    recipients: { kind: 'serviceScope', scope: 'ml:training' },
    recipientsDescription: 'internal model-training services holding the ml:training scope, as a pseudonymised feed (no ids, names or free text)',
    processors: [],
    writtenReleaseRequired: false,
    thirdPartySharing: false,
  },
  CONTACT_DISCOVERY: {
    dataUse: 'functional.service',
    owner: 'free',
    recipients: { kind: 'signedInUsers' },
    recipientsDescription: 'signed-in users who already have your phone number (contact discovery); never anonymous callers',
    processors: [],
    writtenReleaseRequired: false,
    thirdPartySharing: false,
  },
} as const satisfies Record<SdlConsentPurpose, PurposeDefinition>;

/** The SDL's ConsentPurpose (the table above has exactly its values). */
export type ConsentPurpose = SdlConsentPurpose;

export const allConsentPurposes = Object.keys(consentPurposes) as ConsentPurpose[];

export function isConsentPurpose(value: unknown): value is ConsentPurpose {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(consentPurposes, value);
}

export const purposeDefinition = (purpose: ConsentPurpose): PurposeDefinition => consentPurposes[purpose];

/** Subject of the last-value stream entry for one user and purpose. */
export const consentStateSubject = (userId: string, purpose: ConsentPurpose) => `consent.v1.state.${userId}.${purpose}`;

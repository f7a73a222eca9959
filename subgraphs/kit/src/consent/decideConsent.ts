import { AppError, type Viewer } from '@profile-graph/core';
import type { ConsentLookup } from './consentProjection';
import { consentPurposes, type ConsentPurpose, type RecipientRule } from './consentPurposes';

/**
 * Relationships a recipient rule needs, supplied by the subgraph that owns
 * them (hiring owns applications and its copy of organization members). Each
 * answer is in memory or batched per request (`requestKey` is the request's
 * context, to cache on): never one database query per field.
 */
export interface RecipientRelations {
  /** Organizations in which `userId` holds one of `roles`. */
  memberOrganizations(userId: string, roles: readonly string[], requestKey: object): ReadonlySet<string> | Promise<ReadonlySet<string>>;
  /** Organizations `subjectUserId` holds an active (not withdrawn) application with. */
  applicationOrganizations(subjectUserId: string, requestKey: object): ReadonlySet<string> | Promise<ReadonlySet<string>>;
}

export type DenialCode = 'NOT_A_RECIPIENT' | 'CONSENT_REQUIRED' | 'CONSENT_UNAVAILABLE';

export type ConsentDecisionResult = { allowed: true; owner: boolean } | { allowed: false; code: DenialCode };

export interface ConsentDecisionInput {
  lookup: ConsentLookup;
  viewer: Viewer;
  subjectUserId: string | null;
  purpose: ConsentPurpose;
  relations?: RecipientRelations;
  /** The request's context object; relation lookups cache on it. */
  requestKey?: object;
}

const NOT_A_RECIPIENT = Object.freeze({ allowed: false, code: 'NOT_A_RECIPIENT' }) as ConsentDecisionResult;

/**
 * The one refusal for a viewer outside a purpose's recipients. It is the same
 * whatever the subject's consent state (and whether the subject exists), so
 * it can never be used to learn who consented to what.
 */
export const notARecipientError = () => new AppError('UNAUTHORIZED_FIELD_OR_TYPE', 'Not available to you: this data is shared only with the recipients its subject consented to.');

/** The client-facing error for a denial. */
export function denialError(code: DenialCode, purpose: ConsentPurpose): AppError {
  if (code === 'NOT_A_RECIPIENT') return notARecipientError();
  return code === 'CONSENT_UNAVAILABLE'
    ? new AppError('CONSENT_UNAVAILABLE', `Consent for ${purpose} cannot be verified right now; try again shortly.`, { purpose })
    : new AppError('CONSENT_REQUIRED', `The data subject has not consented to ${purpose}.`, { purpose });
}

/**
 * Whether `viewer` is among the recipients of `purpose` as far as the viewer
 * alone tells: `yes`, `no`, or `relationship` when it depends on the subject
 * (an application between the subject and the viewer's organization).
 */
export function recipientStatus(viewer: Viewer, rule: RecipientRule): 'yes' | 'no' | 'relationship' {
  switch (rule.kind) {
    case 'nobody':
      return 'no';
    case 'signedInUsers':
      return viewer.kind === 'user' && !!viewer.userId ? 'yes' : 'no';
    case 'partnerScope':
      return viewer.kind === 'partner' && viewer.scopes.includes(rule.scope) ? 'yes' : 'no';
    case 'serviceScope':
      return viewer.kind === 'service' && viewer.scopes.includes(rule.scope) ? 'yes' : 'no';
    case 'applicantOrganizations':
      if (viewer.kind === 'partner') return viewer.orgId && viewer.scopes.includes(rule.partnerScope) ? 'relationship' : 'no';
      return viewer.kind === 'user' && viewer.userId ? 'relationship' : 'no';
  }
}

function consentGate(lookup: ConsentLookup, subjectUserId: string, purpose: ConsentPurpose, owner: boolean): ConsentDecisionResult {
  if (!lookup.isAvailable()) return { allowed: false, code: 'CONSENT_UNAVAILABLE' };
  return lookup.isGranted(subjectUserId, purpose) ? { allowed: true, owner } : { allowed: false, code: 'CONSENT_REQUIRED' };
}

const then = <T, R>(value: T | Promise<T>, next: (resolved: T) => R | Promise<R>): R | Promise<R> =>
  value instanceof Promise ? value.then(next) : next(value);

/**
 * The whole rule for one read of one subject's data under one purpose, in
 * this order: the owner rule (sharing purposes let the subject read their own
 * data, processing purposes bind them too); then the recipient rule, decided
 * before consent is looked at, so a viewer outside the recipients always gets
 * the same refusal; then the consent itself, from a projection that can be
 * vouched for (else we fail closed). Synchronous unless a relationship has to
 * be looked up; every gated field goes through here and nowhere else.
 */
export function decideConsent(input: ConsentDecisionInput): ConsentDecisionResult | Promise<ConsentDecisionResult> {
  const { lookup, viewer, subjectUserId: subject, purpose } = input;
  // No subject means we cannot know whose data this is: refuse rather than guess.
  if (!subject) return NOT_A_RECIPIENT;
  const definition = consentPurposes[purpose];
  const owner = viewer.kind === 'user' && viewer.userId === subject;
  if (owner && definition.owner === 'free') return { allowed: true, owner };
  if (owner && definition.owner === 'bound') return consentGate(lookup, subject, purpose, true);
  const rule = definition.recipients;
  const status = recipientStatus(viewer, rule);
  if (status === 'no') return NOT_A_RECIPIENT;
  if (status === 'yes') return consentGate(lookup, subject, purpose, owner);
  if (rule.kind !== 'applicantOrganizations' || !input.relations || !input.requestKey) return NOT_A_RECIPIENT;
  const { relations, requestKey } = input;
  const viewerOrganizations: ReadonlySet<string> | Promise<ReadonlySet<string>> =
    viewer.kind === 'partner' ? new Set([viewer.orgId!]) : relations.memberOrganizations(viewer.userId!, rule.memberRoles, requestKey);
  return then(viewerOrganizations, (organizations) => {
    if (organizations.size === 0) return NOT_A_RECIPIENT;
    return then(relations.applicationOrganizations(subject, requestKey), (applied) => {
      for (const organization of organizations) if (applied.has(organization)) return consentGate(lookup, subject, purpose, owner);
      return NOT_A_RECIPIENT;
    });
  });
}

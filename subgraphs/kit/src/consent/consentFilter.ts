import type { GraphQLResolveInfo } from 'graphql';
import { AppError, type Viewer } from '@profile-graph/core';
import { consentPurposes, type ConsentPurpose } from './consentPurposes';
import { notARecipientError, recipientStatus } from './decideConsent';
import { consentEnforcementOf } from './requiresConsentTransform';

/**
 * The subjects a list may show for `purpose`: everyone with an active
 * consent, plus the viewer themself when the purpose lets owners read their
 * own data. A viewer outside the purpose's recipients gets the same refusal
 * as on a gated field, before consent is looked at. Throws
 * CONSENT_UNAVAILABLE when the projection cannot be vouched for.
 */
export function consentingSubjects(info: Pick<GraphQLResolveInfo, 'schema'>, viewer: Viewer, purpose: ConsentPurpose): string[] {
  const enforcement = consentEnforcementOf(info.schema);
  if (!enforcement) throw new Error('consent enforcement is not installed on this schema');
  // Lists are of people found by a recipient; a rule that depends on each subject's relationship has no list form.
  if (recipientStatus(viewer, consentPurposes[purpose].recipients) !== 'yes') throw notARecipientError();
  const own = viewer.kind === 'user' && viewer.userId && consentPurposes[purpose].owner === 'free' ? viewer.userId : null;
  if (!enforcement.lookup.isAvailable()) {
    if (own) return [own];
    throw new AppError('CONSENT_UNAVAILABLE', `Consent for ${purpose} cannot be verified right now; try again shortly.`, { purpose });
  }
  const subjects = [...enforcement.lookup.grantedSubjects(purpose)];
  if (own && !enforcement.lookup.isGranted(own, purpose)) subjects.push(own);
  return subjects;
}

/**
 * A MongoDB filter that keeps only consenting subjects, for list resolvers:
 * `model.find({ ...query, ...consentFilter(info, ctx.viewer, 'CANDIDATE_DISCOVERY', 'userId') })`.
 * Non-consenting subjects are excluded by the database, so they never appear,
 * not even as nulls.
 */
export function consentFilter(
  info: Pick<GraphQLResolveInfo, 'schema'>,
  viewer: Viewer,
  purpose: ConsentPurpose,
  subjectPath = '_id',
): Record<string, { $in: string[] }> {
  return { [subjectPath]: { $in: consentingSubjects(info, viewer, purpose) } };
}

/**
 * Writes one access-log entry per subject a list returned under `purpose`
 * (candidate search, the training feed): being listed is itself a disclosure,
 * whatever fields the caller then selected.
 */
export function logListedSubjects(info: Pick<GraphQLResolveInfo, 'schema'>, viewer: Viewer, purpose: ConsentPurpose, coordinate: string, subjects: readonly string[]): void {
  const sink = consentEnforcementOf(info.schema)?.accessLog;
  if (!sink) return;
  for (const subjectUserId of subjects) {
    if (viewer.kind === 'user' && viewer.userId === subjectUserId) continue;
    sink.record({ viewerKind: viewer.kind, viewerId: viewer.userId ?? viewer.keyId ?? null, viewerOrgId: viewer.orgId ?? null, subjectUserId, field: coordinate, purpose });
  }
}

import type { GraphQLResolveInfo } from 'graphql';
import { AppError } from '../errors/appError';
import type { Viewer } from '../viewer/viewer';
import { consentPurposes, type ConsentPurpose } from './consentPurposes';
import { consentEnforcementOf } from './requiresConsentTransform';

/**
 * The subjects a list may show for `purpose`: everyone with an active
 * consent, plus the viewer themself when the purpose does not bind the owner.
 * Throws CONSENT_UNAVAILABLE when the projection cannot be vouched for.
 */
export function consentingSubjects(info: Pick<GraphQLResolveInfo, 'schema'>, viewer: Viewer, purpose: ConsentPurpose): string[] {
  const enforcement = consentEnforcementOf(info.schema);
  if (!enforcement) throw new Error('consent enforcement is not installed on this schema');
  const own = viewer.kind === 'user' && viewer.userId && !consentPurposes[purpose].bindsOwner ? viewer.userId : null;
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

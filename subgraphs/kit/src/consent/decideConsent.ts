import type { Viewer } from '../viewer/viewer';
import type { ConsentLookup } from './consentProjection';
import { consentPurposes, type ConsentPurpose } from './consentPurposes';

export type ConsentDecisionResult =
  | { allowed: true; owner: boolean }
  | { allowed: false; code: 'CONSENT_REQUIRED' | 'CONSENT_UNAVAILABLE' };

/**
 * The consent rule for one read of one subject's data. The owner of the data
 * reads it freely under sharing purposes; processing purposes bind the owner
 * too. Everyone else needs an active consent, and a projection that can be
 * vouched for: when it cannot, we fail closed.
 */
export function decideConsent(lookup: ConsentLookup, viewer: Viewer, subjectUserId: string | null, purpose: ConsentPurpose): ConsentDecisionResult {
  // No subject means we cannot know whose data this is: refuse rather than guess.
  if (!subjectUserId) return { allowed: false, code: 'CONSENT_REQUIRED' };
  const owner = viewer.kind === 'user' && viewer.userId === subjectUserId;
  if (owner && !consentPurposes[purpose].bindsOwner) return { allowed: true, owner };
  if (!lookup.isAvailable()) return { allowed: false, code: 'CONSENT_UNAVAILABLE' };
  return lookup.isGranted(subjectUserId, purpose) ? { allowed: true, owner } : { allowed: false, code: 'CONSENT_REQUIRED' };
}

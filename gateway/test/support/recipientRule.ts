import type { ConsentPurpose } from '@profile-graph/kit';
import type { ViewerName } from './consentWorld';

export type Relationship = 'none' | 'applied' | 'withdrawn';

/**
 * The recipient rules of the README's purposes table, written out
 * independently of the kit's code, as the test's oracle: `owner-free` reads
 * regardless of consent, `owner-bound` and `recipient` need the consent,
 * `no` is refused whatever the consent.
 */
export function expectedAccess(viewer: ViewerName, relationship: Relationship, purpose: ConsentPurpose): 'owner-free' | 'owner-bound' | 'recipient' | 'no' {
  const owner = viewer === 'owner';
  switch (purpose) {
    case 'EMPLOYER_SHARING':
      if (owner) return 'owner-free';
      return relationship === 'applied' && (viewer === 'appliedPartner' || viewer === 'appliedRecruiter') ? 'recipient' : 'no';
    case 'CONTACT_DISCOVERY':
      if (owner) return 'owner-free';
      return viewer === 'otherUser' || viewer === 'appliedRecruiter' ? 'recipient' : 'no';
    case 'BIOMETRIC_VERIFICATION':
      return owner ? 'owner-free' : 'no';
    case 'HIRING_RECOMMENDATIONS':
      if (owner) return 'owner-bound';
      return viewer === 'recommenderService' ? 'recipient' : 'no';
    case 'AD_PERSONALIZATION':
      return viewer === 'adService' ? 'recipient' : 'no';
    case 'CANDIDATE_DISCOVERY':
      return viewer === 'searchPartner' ? 'recipient' : 'no';
    case 'MODEL_TRAINING':
      return viewer === 'trainerService' ? 'recipient' : 'no';
  }
}

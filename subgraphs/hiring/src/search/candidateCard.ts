import type { HiringProfileDoc, Seniority } from '../models/hiringProfileModel';

/**
 * The discoverable card: all that CANDIDATE_DISCOVERY discloses of a person.
 * Built from the stored profile by copying these fields and nothing else, so
 * a resolver on the card cannot reach employment or education history.
 */
export interface CandidateCard {
  userId: string;
  headline: string | null;
  skills: string[];
  seniority: Seniority[];
  locations: string[];
  remote: boolean | null;
  currentTitle: string | null;
}

/** The newest job without an end: history is kept newest first. */
export const currentTitleOf = (profile: Pick<HiringProfileDoc, 'employmentHistory'>): string | null =>
  (profile.employmentHistory ?? []).find((entry) => !entry.to)?.title ?? null;

export function toCandidateCard(profile: HiringProfileDoc): CandidateCard {
  return {
    userId: profile._id,
    headline: profile.headline ?? null,
    skills: [...(profile.skills ?? [])],
    seniority: [...(profile.preferences?.seniority ?? [])],
    locations: [...(profile.preferences?.locations ?? [])],
    remote: profile.preferences?.remote ?? null,
    currentTitle: currentTitleOf(profile),
  };
}

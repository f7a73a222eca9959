import { badInput } from '@profile-graph/kit';
import type { HiringProfileDoc, Seniority } from '../models/hiringProfileModel';
import { escapeRegex } from '../resolvers/hiringContext';
import { currentTitleOf } from './candidateCard';
import { normalizeSkills } from '../skills/normalizeSkills';
import { SENIORITIES, text } from '../validation/validateHiringProfile';
import type { CandidateFilter } from '../generated/resolvers';

/** The candidate search filter as GraphQL passes it. */
export type { CandidateFilter };

/** The filter validated and normalized once, for either way of searching. */
export interface ParsedCandidateFilter {
  skills: string[];
  /** Lower-case. */
  title: string | null;
  /** Lower-case, single spaces, as preferred locations are stored. */
  location: string | null;
  seniority: Seniority | null;
}

export function parseCandidateFilter(filter: CandidateFilter | null | undefined): ParsedCandidateFilter {
  if (filter?.skills && filter.skills.length > 20) throw badInput('filter.skills', 'list at most 20 skills.');
  const skills = filter?.skills?.length ? normalizeSkills(filter.skills) : [];
  const title = text(filter?.title, 'filter.title', 100)?.toLowerCase() ?? null;
  const location = text(filter?.location, 'filter.location', 60)?.toLowerCase().replace(/\s+/g, ' ') ?? null;
  const seniority = filter?.seniority ?? null;
  if (seniority && !SENIORITIES.includes(seniority)) throw badInput('filter.seniority', `use one of ${SENIORITIES.join(', ')}.`);
  return { skills, title, location, seniority };
}

/** True when the filter keeps every profile. */
export const isEmptyFilter = (filter: ParsedCandidateFilter) => !filter.skills.length && !filter.title && !filter.location && !filter.seniority;

/**
 * The filter's conditions as a database query, beside the `_id` set that the
 * kit's pageByIds adds. Consent is part of the search: only subjects with
 * CANDIDATE_DISCOVERY (from this instance's projection) are in that set, so
 * nobody else is read, let alone returned. For the title it
 * selects a superset (headline or any job title: FerretDB 1.x cannot be
 * trusted with $elemMatch); the caller narrows the page with candidateMatcher
 * to card fields only, so a search cannot probe past jobs the card does not show.
 */
export function candidateConditions(filter: ParsedCandidateFilter): Record<string, unknown> {
  const query: Record<string, unknown> = {};
  if (filter.skills.length) query.skills = { $all: filter.skills };
  if (filter.title) {
    const pattern = { $regex: escapeRegex(filter.title), $options: 'i' };
    query.$or = [{ headline: pattern }, { 'employmentHistory.title': pattern }];
  }
  // Stored lower-case (validatePreferences), so no case-insensitive pattern is needed.
  if (filter.location) query['preferences.locations'] = { $regex: escapeRegex(filter.location) };
  if (filter.seniority) query['preferences.seniority'] = filter.seniority;
  return query;
}

/**
 * The same filter as candidateConditions, as a predicate over a stored profile:
 * all listed skills, the title as a case-insensitive substring of the
 * headline or of the current job's title, the location as a substring of any
 * preferred location, the seniority among the preferred ones.
 */
export function candidateMatcher(filter: ParsedCandidateFilter): (doc: HiringProfileDoc) => boolean {
  const { skills, title, location, seniority } = filter;
  return (doc) => {
    if (skills.length && !skills.every((skill) => doc.skills?.includes(skill))) return false;
    if (title && !(doc.headline?.toLowerCase().includes(title) || currentTitleOf(doc)?.toLowerCase().includes(title))) return false;
    if (location && !(doc.preferences?.locations ?? []).some((place) => place.includes(location))) return false;
    if (seniority && !(doc.preferences?.seniority ?? []).includes(seniority)) return false;
    return true;
  };
}

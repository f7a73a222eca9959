import type { Model } from 'mongoose';
import type { HiringProfileDoc } from '../models/hiringProfileModel';
import { normalizeSkills } from '../skills/normalizeSkills';
import type { CandidateFilter } from '../resolvers/candidateResolvers';
import { SENIORITIES, text } from '../validation/validateHiringProfile';
import { badInput } from '@profile-graph/kit';

/** Profiles read per step of the walk; the first step usually fills a page. */
const STEP = 100;
/** Past this many profiles read, a sparse filter is cheaper as one query (the caller falls back). */
export const WALK_BUDGET = 1_000;

/**
 * The candidate filter as a predicate over a stored profile, with the same
 * meaning as candidateQuery's MongoDB filter: all listed skills, the title as
 * a case-insensitive substring of the headline or of any job title, the
 * location as a substring of any preferred location, the seniority among the
 * preferred ones. Validates like candidateQuery, with the same messages.
 */
export function candidateMatcher(filter: CandidateFilter | null | undefined): (doc: HiringProfileDoc) => boolean {
  if (filter?.skills && filter.skills.length > 20) throw badInput('filter.skills', 'list at most 20 skills.');
  const skills = filter?.skills?.length ? normalizeSkills(filter.skills) : [];
  const title = text(filter?.title, 'filter.title', 100)?.toLowerCase();
  const location = text(filter?.location, 'filter.location', 60)?.toLowerCase().replace(/\s+/g, ' ');
  const seniority = filter?.seniority ?? null;
  if (seniority && !SENIORITIES.includes(seniority)) throw badInput('filter.seniority', `use one of ${SENIORITIES.join(', ')}.`);
  return (doc) => {
    if (skills.length && !skills.every((skill) => doc.skills?.includes(skill))) return false;
    if (title && !(doc.headline?.toLowerCase().includes(title) || (doc.employmentHistory ?? []).some((job) => String(job.title ?? '').toLowerCase().includes(title)))) return false;
    if (location && !(doc.preferences?.locations ?? []).some((place) => place.includes(location))) return false;
    if (seniority && !(doc.preferences?.seniority ?? []).includes(seniority)) return false;
    return true;
  };
}

/**
 * A page of the candidate search read by walking the consenting subjects in
 * id order and loading their profiles by _id, for a database that answers
 * `_id` equality from an index but scans for `$in` (FerretDB 1.x; see the kit's
 * batchLookupOf). The same page as candidateQuery would give: ids ascending,
 * after `afterId`, `limit` at most. Null when the filter is so sparse that
 * WALK_BUDGET profiles did not fill the page: then one query is cheaper.
 */
export async function walkCandidates(
  profiles: Model<any>,
  subjects: string[],
  filter: CandidateFilter | null | undefined,
  afterId: string | null,
  limit: number,
): Promise<HiringProfileDoc[] | null> {
  const matches = candidateMatcher(filter);
  const unfiltered = !filter || Object.values(filter).every((value) => value === null || value === undefined || (Array.isArray(value) && value.length === 0));
  // Plain code-unit order, which is MongoDB's order for the ASCII ids we issue.
  const ordered = [...new Set(subjects)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let next = afterId === null ? 0 : ordered.findIndex((id) => id > afterId);
  if (next < 0) return [];
  const page: HiringProfileDoc[] = [];
  let read = 0;
  while (page.length < limit && next < ordered.length) {
    if (read >= WALK_BUDGET) return null;
    // Without a filter every profile read is a match: read just what the page still needs.
    const step = ordered.slice(next, next + (unfiltered ? limit - page.length : STEP));
    next += step.length;
    read += step.length;
    const docs = await Promise.all(step.map((id) => profiles.findOne({ _id: id }).lean<HiringProfileDoc>()));
    for (const doc of docs) if (doc && matches(doc)) page.push(doc);
  }
  return page.slice(0, limit);
}

import { badInput, batchLookupOf, consentingSubjects } from '@profile-graph/kit';
import type { GraphQLResolveInfo } from 'graphql';
import type { HiringProfileDoc, Seniority } from '../models/hiringProfileModel';
import { decodeCursor, encodeCursor, pageSize, toConnection } from '../pagination/cursor';
import { walkCandidates } from '../search/walkCandidates';
import { normalizeSkills } from '../skills/normalizeSkills';
import { SENIORITIES, text } from '../validation/validateHiringProfile';
import { escapeRegex, type Context } from './hiringContext';

/** Large enough for an employer's shortlist in one page; the N+1 test asks for 200. */
export const MAX_CANDIDATES_PAGE = 200;

export interface CandidateFilter {
  skills?: string[] | null;
  title?: string | null;
  location?: string | null;
  seniority?: Seniority | null;
}

/**
 * The whole search as one database query. Consent is part of it: only
 * subjects with CANDIDATE_DISCOVERY (from this instance's projection) are in
 * the `_id` set, so nobody else is read, let alone returned. Ordered by user
 * id, which never changes, so pages neither skip nor repeat.
 */
export function candidateQuery(subjects: string[], filter: CandidateFilter | null | undefined, afterId: string | null): Record<string, unknown> {
  const query: Record<string, unknown> = { _id: afterId ? { $in: subjects, $gt: afterId } : { $in: subjects } };
  if (filter?.skills?.length) {
    if (filter.skills.length > 20) throw badInput('filter.skills', 'list at most 20 skills.');
    query.skills = { $all: normalizeSkills(filter.skills) };
  }
  const title = text(filter?.title, 'filter.title', 100);
  if (title) {
    const pattern = { $regex: escapeRegex(title), $options: 'i' };
    query.$or = [{ headline: pattern }, { 'employmentHistory.title': pattern }];
  }
  const location = text(filter?.location, 'filter.location', 60);
  // Stored lower-case (validatePreferences), so no case-insensitive pattern is needed.
  if (location) query['preferences.locations'] = { $regex: escapeRegex(location.toLowerCase().replace(/\s+/g, ' ')) };
  if (filter?.seniority) {
    if (!SENIORITIES.includes(filter.seniority)) throw badInput('filter.seniority', `use one of ${SENIORITIES.join(', ')}.`);
    query['preferences.seniority'] = filter.seniority;
  }
  return query;
}

export const candidateResolvers = {
  Query: {
    candidates: async (
      _: unknown,
      args: { filter?: CandidateFilter | null; first?: number | null; after?: string | null },
      context: Context,
      info: GraphQLResolveInfo,
    ) => {
      const size = pageSize(args.first, 20, MAX_CANDIDATES_PAGE);
      const cursor = decodeCursor<{ id: string }>(args.after, { id: 'string' });
      const subjects = consentingSubjects(info, context.viewer, 'CANDIDATE_DISCOVERY');
      if (subjects.length === 0) return toConnection([], size, () => '');
      const afterId = cursor?.id ?? null;
      // On FerretDB `$in` over thousands of subjects is a scan of every profile; walking the subjects by _id is not.
      const walked = batchLookupOf(context.services.profiles.db) === 'per-key' ? await walkCandidates(context.services.profiles, subjects, args.filter, afterId, size + 1) : null;
      if (walked) return toConnection(walked, size, (doc) => encodeCursor({ id: doc._id }));
      const docs = await context.services.profiles
        .find(candidateQuery(subjects, args.filter, afterId))
        .sort({ _id: 1 })
        .limit(size + 1)
        // One round trip for the whole page, not a first batch of 101 and a getMore.
        .batchSize(size + 1)
        .lean<HiringProfileDoc[]>();
      return toConnection(docs, size, (doc) => encodeCursor({ id: doc._id }));
    },
  },
};

import { batchLookupOf, consentingSubjects } from '@profile-graph/kit';
import type { GraphQLResolveInfo } from 'graphql';
import type { HiringProfileDoc } from '../models/hiringProfileModel';
import { decodeCursor, encodeCursor, pageSize, toConnection } from '../pagination/cursor';
import { candidateQuery, parseCandidateFilter, type CandidateFilter } from '../search/candidateFilter';
import { walkCandidates } from '../search/walkCandidates';
import type { Context } from './hiringContext';

/** Large enough for an employer's shortlist in one page; the N+1 test asks for 200. */
export const MAX_CANDIDATES_PAGE = 200;

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
      const filter = parseCandidateFilter(args.filter);
      // Ordered by user id, which never changes, so pages neither skip nor repeat. On FerretDB `$in` over
      // thousands of subjects is a scan of every profile; walking the subjects by _id is not.
      const walked = batchLookupOf(context.services.profiles.db) === 'per-key' ? await walkCandidates(context.services.profiles, subjects, filter, afterId, size + 1) : null;
      if (walked) return toConnection(walked, size, (doc) => encodeCursor({ id: doc._id }));
      const docs = await context.services.profiles
        .find(candidateQuery(subjects, filter, afterId))
        .sort({ _id: 1 })
        .limit(size + 1)
        // One round trip for the whole page, not a first batch of 101 and a getMore.
        .batchSize(size + 1)
        .lean<HiringProfileDoc[]>();
      return toConnection(docs, size, (doc) => encodeCursor({ id: doc._id }));
    },
  },
};

import { batchLookupOf, consentingSubjects, decodeCursor, encodeCursor, logListedSubjects, pageSize, toConnection } from '@profile-graph/kit';
import type { HiringProfileDoc } from '../models/hiringProfileModel';
import { toCandidateCard } from '../search/candidateCard';
import { candidateMatcher, candidateQuery, parseCandidateFilter, type ParsedCandidateFilter } from '../search/candidateFilter';
import { walkCandidates } from '../search/walkCandidates';
import { userReference, type Context } from './hiringContext';
import type { Resolvers } from '../generated/resolvers';
import { HIRING_LISTS } from './hiringLists';

/** Large enough for an employer's shortlist in one page; the N+1 test asks for 200. */
export const MAX_CANDIDATES_PAGE = 200;

/**
 * One query per step, narrowed by the matcher (the query's title test is a
 * superset): steps again only when the matcher dropped some of a full step.
 */
async function queryCandidates(context: Context, subjects: string[], filter: ParsedCandidateFilter, afterId: string | null, limit: number): Promise<HiringProfileDoc[]> {
  const matches = candidateMatcher(filter);
  const page: HiringProfileDoc[] = [];
  let after = afterId;
  while (page.length < limit) {
    const docs = await context.services.profiles
      .find(candidateQuery(subjects, filter, after))
      .sort({ _id: 1 })
      .limit(limit)
      // One round trip for the whole page, not a first batch of 101 and a getMore.
      .batchSize(limit + 1)
      .lean<HiringProfileDoc[]>();
    page.push(...docs.filter(matches));
    if (docs.length < limit) break;
    after = docs[docs.length - 1]!._id;
  }
  return page.slice(0, limit);
}

export const candidateResolvers = {
  Query: {
    candidates: async (_, args, context, info) => {
      const size = pageSize(args.first, { fallback: 20, max: MAX_CANDIDATES_PAGE, overMax: 'cap' });
      const cursor = decodeCursor<{ id: string }>(args.after, { id: 'string' });
      const subjects = consentingSubjects(info, context.viewer, 'CANDIDATE_DISCOVERY');
      if (subjects.length === 0) return toConnection([], size, () => '', HIRING_LISTS);
      const afterId = cursor?.id ?? null;
      const filter = parseCandidateFilter(args.filter);
      // Ordered by user id, which never changes, so pages neither skip nor repeat. On FerretDB `$in` over
      // thousands of subjects is a scan of every profile; walking the subjects by _id is not.
      const walked = batchLookupOf(context.services.profiles.db) === 'per-key' ? await walkCandidates(context.services.profiles, subjects, filter, afterId, size + 1) : null;
      const docs = walked ?? (await queryCandidates(context, subjects, filter, afterId, size + 1));
      const connection = toConnection(docs.map(toCandidateCard), size, (card) => encodeCursor({ id: card.userId }), HIRING_LISTS);
      // Appearing in an employer's search is a disclosure in itself: every candidate returned is logged.
      logListedSubjects(info, context.viewer, 'CANDIDATE_DISCOVERY', 'Query.candidates', connection.nodes.map((card) => card.userId));
      return connection;
    },
  },
  CandidateCard: {
    user: (card) => userReference(card.userId),
  },
} satisfies Resolvers;

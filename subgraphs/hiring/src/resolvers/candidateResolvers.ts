import { consentingSubjects, decodeCursor, encodeCursor, logListedSubjects, pageByIds, pageSize, toConnection } from '@profile-graph/kit';
import type { HiringProfileDoc } from '../models/hiringProfileModel';
import { toCandidateCard } from '../search/candidateCard';
import { candidateConditions, candidateMatcher, isEmptyFilter, parseCandidateFilter } from '../search/candidateFilter';
import { userReference } from './hiringContext';
import type { Resolvers } from '../generated/resolvers';
import { HIRING_LISTS } from './hiringLists';

/** Large enough for an employer's shortlist in one page; the N+1 test asks for 200. */
export const MAX_CANDIDATES_PAGE = 200;

export const candidateResolvers = {
  Query: {
    candidates: async (_, args, context, info) => {
      const size = pageSize(args.first, { fallback: 20, max: MAX_CANDIDATES_PAGE, overMax: 'cap' });
      const cursor = decodeCursor<{ id: string }>(args.after, { id: 'string' });
      const subjects = consentingSubjects(info, context.viewer, 'CANDIDATE_DISCOVERY');
      if (subjects.length === 0) return toConnection([], size, () => '', HIRING_LISTS);
      const afterId = cursor?.id ?? null;
      const filter = parseCandidateFilter(args.filter);
      // Ordered by user id, which never changes, so pages neither skip nor repeat. The query's title test is a
      // superset (see candidateConditions): the matcher narrows the page to what the card shows.
      const docs = await pageByIds<HiringProfileDoc>(context.services.profiles, {
        ids: subjects,
        after: afterId,
        limit: size + 1,
        where: candidateConditions(filter),
        matches: isEmptyFilter(filter) ? undefined : candidateMatcher(filter),
      });
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

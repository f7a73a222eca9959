import { consentingSubjects, logListedSubjects, pageByIds } from '@profile-graph/kit';
import type { GraphQLResolveInfo } from 'graphql';
import type { HiringProfileDoc } from '../models/hiringProfileModel';
import { decodeCursor, encodeCursor, pageSize, toConnection } from '../pagination/cursor';
import { toCandidateCard, type CandidateCard } from '../search/candidateCard';
import { candidateConditions, candidateMatcher, isEmptyFilter, parseCandidateFilter, type CandidateFilter } from '../search/candidateFilter';
import { userReference, type Context } from './hiringContext';

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
      // Ordered by user id, which never changes, so pages neither skip nor repeat. The query's title test is a
      // superset (see candidateConditions): the matcher narrows the page to what the card shows.
      const docs = await pageByIds<HiringProfileDoc>(context.services.profiles, {
        ids: subjects,
        after: afterId,
        limit: size + 1,
        where: candidateConditions(filter),
        matches: isEmptyFilter(filter) ? undefined : candidateMatcher(filter),
      });
      const connection = toConnection(docs.map(toCandidateCard), size, (card) => encodeCursor({ id: card.userId }));
      // Appearing in an employer's search is a disclosure in itself: every candidate returned is logged.
      logListedSubjects(info, context.viewer, 'CANDIDATE_DISCOVERY', 'Query.candidates', connection.nodes.map((card) => card.userId));
      return connection;
    },
  },
  CandidateCard: {
    user: (card: CandidateCard) => userReference(card.userId),
  },
};

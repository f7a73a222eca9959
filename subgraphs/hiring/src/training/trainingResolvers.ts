import { consentingSubjects, decodeCursor, encodeCursor, loadById, logListedSubjects, pageSize, toConnection } from '@profile-graph/kit';
import type { HiringProfileDoc } from '../models/hiringProfileModel';
import type { Resolvers } from '../generated/resolvers';
import { HIRING_LISTS } from '../resolvers/hiringLists';

export const MAX_TRAINING_PAGE = 200;

/** What a model may learn from: structured fields only, no id, name, employer, school or free text. */
function toTrainingExample(pseudonym: string, profile: HiringProfileDoc) {
  return {
    pseudonym,
    skills: [...(profile.skills ?? [])],
    seniority: [...(profile.preferences?.seniority ?? [])],
    roles: [...(profile.preferences?.roles ?? [])],
    remote: profile.preferences?.remote ?? null,
    openToWork: profile.openToWork ?? false,
    employmentCount: (profile.employmentHistory ?? []).length,
  };
}

export const trainingResolvers = {
  Query: {
    /**
     * @requiresScopes(ml:training) has run at the gateway and here; consentingSubjects
     * refuses anyone outside MODEL_TRAINING's recipients and lists only its subjects,
     * from this instance's projection, so a withdrawal leaves the next page.
     */
    trainingExamples: async (_, args, context, info) => {
      const size = pageSize(args.first, { fallback: 50, max: MAX_TRAINING_PAGE, overMax: 'cap' });
      const cursor = decodeCursor<{ p: string }>(args.after, { p: 'string' });
      const { pseudonyms, profiles } = context.services;
      const ordered = consentingSubjects(info, context.viewer, 'MODEL_TRAINING')
        .map((userId) => ({ userId, pseudonym: pseudonyms.of(userId) }))
        .filter((entry) => cursor === null || entry.pseudonym > cursor.p)
        .sort((a, b) => (a.pseudonym < b.pseudonym ? -1 : a.pseudonym > b.pseudonym ? 1 : 0));
      const page: { userId: string; example: ReturnType<typeof toTrainingExample> }[] = [];
      // Subjects without a profile yield no example; read in page-sized batches through the loader.
      for (let next = 0; page.length <= size && next < ordered.length; next += size + 1) {
        const step = ordered.slice(next, next + size + 1);
        const docs = await Promise.all(step.map((entry) => loadById<HiringProfileDoc>(context.loaders, profiles, entry.userId)));
        step.forEach((entry, i) => docs[i] && page.push({ userId: entry.userId, example: toTrainingExample(entry.pseudonym, docs[i]!) }));
      }
      const connection = toConnection(page, size, (entry) => encodeCursor({ p: entry.example.pseudonym }), HIRING_LISTS);
      // Every page is a disclosure of each person on it: logged under MODEL_TRAINING.
      logListedSubjects(info, context.viewer, 'MODEL_TRAINING', 'Query.trainingExamples', connection.nodes.map((entry) => entry.userId));
      return { nodes: connection.nodes.map((entry) => entry.example), pageInfo: connection.pageInfo };
    },
  },
} satisfies Resolvers;

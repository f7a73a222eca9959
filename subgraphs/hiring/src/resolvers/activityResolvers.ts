import { randomUUID } from 'node:crypto';
import { AppError, decodeNewestFirstCursor, loadById, newestFirstAfter, newestFirstCursor, pageSize, requireUser, toConnection } from '@profile-graph/kit';
import type { JobActivityDoc, JobActivityKind } from '../models/jobActivityModel';
import type { JobDoc } from '../models/jobModel';
import { type Context } from './hiringContext';
import type { Resolvers } from '../generated/resolvers';
import { HIRING_LISTS } from './hiringLists';

/**
 * Keeps one activity entry only while the user consents to
 * HIRING_RECOMMENDATIONS, as this instance's projection says at write time.
 * A withdrawal that lands between the check and the insert is caught by the
 * second check; one that another instance has already purged, while this
 * instance's projection still says granted, by the purge's record (a newer
 * version than the grant this entry was written under).
 */
export async function recordActivity(context: Context, userId: string, jobId: string, kind: JobActivityKind): Promise<boolean> {
  const { consent, activity, withdrawals } = context.services;
  const grantedVersion = () =>
    consent.isAvailable() && consent.isGranted(userId, 'HIRING_RECOMMENDATIONS') ? (consent.states.get(userId, 'HIRING_RECOMMENDATIONS')?.version ?? null) : null;
  const version = grantedVersion();
  if (version === null) return false;
  const _id = randomUUID();
  await activity.create({ _id, userId, jobId, kind, createdAt: new Date(), consentVersion: version });
  // Another instance may have purged a withdrawal this instance has not heard of yet: its record says so.
  const purged = await withdrawals.findById(userId).lean();
  if (grantedVersion() === version && !(purged && purged.version > version)) return true;
  await activity.deleteOne({ _id });
  return false;
}

async function recordFor(context: Context, jobId: string, kind: JobActivityKind) {
  const userId = requireUser(context.viewer);
  const job = await loadById<JobDoc>(context.loaders, context.services.jobs, jobId);
  if (!job) throw new AppError('NOT_FOUND', 'No job has this id.');
  return { recorded: await recordActivity(context, userId, jobId, kind) };
}

export const activityResolvers = {
  User: {
    jobSearchActivity: async (user, args, context) => {
      const size = pageSize(args.first, { fallback: 50, max: 200, overMax: 'cap' });
      const cursor = decodeNewestFirstCursor(args.after);
      const docs = await context.services.activity
        .find({ userId: user.id, ...newestFirstAfter(cursor, 'createdAt') })
        .sort({ createdAt: -1, _id: -1 })
        .limit(size + 1)
        .lean<JobActivityDoc[]>();
      return toConnection(docs, size, (doc) => newestFirstCursor(doc.createdAt, doc._id), HIRING_LISTS);
    },
  },
  JobActivity: {
    id: (doc) => doc._id,
    at: (doc) => doc.createdAt,
    job: (doc, _, context) => loadById<JobDoc>(context.loaders, context.services.jobs, doc.jobId),
  },
  Mutation: {
    recordJobView: (_, args, context) => recordFor(context, args.jobId, 'VIEW'),
    saveJob: (_, args, context) => recordFor(context, args.jobId, 'SAVE'),
    clearJobSearchActivity: async (_, __, context) => {
      const userId = requireUser(context.viewer);
      const { deletedCount } = await context.services.activity.deleteMany({ userId });
      return deletedCount;
    },
  },
} satisfies Resolvers;

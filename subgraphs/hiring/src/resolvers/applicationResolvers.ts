import { AppError, isDuplicateKeyError, loadById, outboxOnCreate, outboxOnUpdate, updateAndRead, hiringEvents, decodeNewestFirstCursor, newestFirstAfter, newestFirstCursor, pageSize, requireUser, toConnection } from '@profile-graph/kit';
import { applicationId, type ApplicationDoc } from '../models/applicationModel';
import type { HiringProfileDoc } from '../models/hiringProfileModel';
import type { JobDoc } from '../models/jobModel';
import { recordActivity } from './activityResolvers';
import { userReference, type Context } from './hiringContext';
import type { Resolvers } from '../generated/resolvers';
import { HIRING_LISTS } from './hiringLists';

const noSuchJob = () => new AppError('NOT_FOUND', 'No such job among your organization\'s.');

type PageArgs = { first?: number | null; after?: string | null };

async function listApplications(context: Context, query: Record<string, unknown>, args: PageArgs) {
  const size = pageSize(args.first, { fallback: 20, max: 100, overMax: 'cap' });
  const cursor = decodeNewestFirstCursor(args.after);
  const docs = await context.services.applications
    .find({ ...query, ...newestFirstAfter(cursor, 'createdAt') })
    .sort({ createdAt: -1, _id: -1 })
    .limit(size + 1)
    .lean<ApplicationDoc[]>();
  return toConnection(docs, size, (doc) => newestFirstCursor(doc.createdAt, doc._id), HIRING_LISTS);
}

export const applicationResolvers = {
  Query: {
    /** @requiresScopes(applications:read) has run; the organization comes from the key, never from the caller. */
    applications: async (_, args, context) => {
      const orgId = context.viewer.kind === 'partner' ? context.viewer.orgId : undefined;
      if (!orgId) throw new AppError('FORBIDDEN', 'Only an organization\'s API key lists its applications.');
      if (args.jobId) {
        const job = await loadById<JobDoc>(context.loaders, context.services.jobs, args.jobId);
        // Another organization's job looks exactly like a missing one.
        if (!job || job.organizationId !== orgId) throw noSuchJob();
      }
      return listApplications(context, { organizationId: orgId, ...(args.jobId ? { jobId: args.jobId } : {}) }, args);
    },
  },
  User: {
    jobApplications: (user, args, context) => listApplications(context, { candidateId: user.id }, args),
  },
  Mutation: {
    applyToJob: async (_, args, context) => {
      const userId = requireUser(context.viewer);
      const job = await loadById<JobDoc>(context.loaders, context.services.jobs, args.jobId);
      if (!job) throw new AppError('NOT_FOUND', 'No job has this id.');
      if (job.status !== 'OPEN') throw new AppError('BAD_USER_INPUT', 'jobId: this job is closed to applications.', { field: 'jobId' });
      const { consent } = context.services;
      // The consent this application relies on for sharing the profile, as recorded now; what the employer
      // sees later still follows the current consent (a withdrawal hides the profile again).
      const sharing = consent.isAvailable() && consent.isGranted(userId, 'EMPLOYER_SHARING') ? (consent.states.get(userId, 'EMPLOYER_SHARING')?.version ?? null) : null;
      const _id = applicationId(job._id, userId);
      const event = hiringEvents.applicationSubmitted.create({ applicationId: _id, jobId: job._id, organizationId: job.organizationId, candidateId: userId, employerSharingConsentVersion: sharing },
        userId,
      );
      let created;
      try {
        created = await context.services.applications.create({
          _id,
          jobId: job._id,
          organizationId: job.organizationId,
          candidateId: userId,
          employerSharingConsentVersion: sharing,
          ...outboxOnCreate([event]),
        });
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        const existing = await context.services.applications.findById(_id).lean<ApplicationDoc>();
        throw new AppError('CONFLICT', existing?.withdrawnAt ? 'You withdrew your application to this job; it cannot be sent again.' : 'You have already applied to this job.');
      }
      context.services.relay.kick();
      await recordActivity(context, userId, job._id, 'APPLY');
      return created.toObject();
    },
    withdrawApplication: async (_, args, context) => {
      const userId = requireUser(context.viewer);
      const { applications, relay } = context.services;
      const current = await applications.findById(args.id).lean<ApplicationDoc>();
      // Someone else's application looks exactly like a missing one.
      if (!current || current.candidateId !== userId) throw new AppError('NOT_FOUND', 'You have no application with this id.');
      if (current.withdrawnAt) return current;
      const event = hiringEvents.applicationWithdrawn.create({ applicationId: current._id, jobId: current.jobId, organizationId: current.organizationId, candidateId: userId },
        userId,
      );
      // The filter keeps a second, concurrent withdrawal from moving the date or sending a second event.
      const updated = await updateAndRead(applications, { _id: current._id, withdrawnAt: { $exists: false } }, outboxOnUpdate([event], { $set: { withdrawnAt: new Date() } }));
      relay.kick();
      return updated ?? (await applications.findById(current._id).lean<ApplicationDoc>());
    },
  },
  Application: {
    id: (doc) => doc._id,
    job: async (doc, _, context) => loadById<JobDoc>(context.loaders, context.services.jobs, doc.jobId),
    candidate: (doc) => userReference(doc.candidateId),
    // @requiresConsent(EMPLOYER_SHARING, subjectField: "candidateId") has run before this: the viewer's
    // organization holds a standing application of the candidate, and the candidate consents.
    candidateProfile: (doc, _, context) =>
      loadById<HiringProfileDoc>(context.loaders, context.services.profiles, doc.candidateId),
    appliedAt: (doc) => doc.createdAt,
    withdrawnAt: (doc) => doc.withdrawnAt ?? null,
  },
} satisfies Resolvers;

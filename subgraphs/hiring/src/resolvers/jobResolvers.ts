import { randomUUID } from 'node:crypto';
import { AppError, badInput, loadById, outboxOnCreate, outboxOnUpdate, updateAndRead, hiringEvents, decodeNewestFirstCursor, newestFirstAfter, newestFirstCursor, pageSize, requireUser, toConnection } from '@profile-graph/kit';
import type { JobDoc } from '../models/jobModel';
import type { OrganizationProjectionDoc } from '../models/organizationProjectionModel';
import { normalizeSkills } from '../skills/normalizeSkills';
import { text } from '../validation/validateHiringProfile';
import { validatePostJob, validateUpdateJob } from '../validation/validateJob';
import { escapeRegex, type Context } from './hiringContext';
import type { JobFilter, Resolvers } from '../generated/resolvers';
import { HIRING_LISTS } from './hiringLists';

export const JOBS_WRITE = 'jobs:write';
const MAX_JOBS_PAGE = 50;


const notYours = () => new AppError('NOT_FOUND', 'No such organization among yours.');

/**
 * May the viewer post or change jobs of `organizationId`? A partner key needs
 * jobs:write and posts for its own organization only; a person must be a
 * member of an organization identity reported verified. Not a member and no
 * such organization look the same.
 */
export async function organizationForPosting(context: Context, organizationId: string): Promise<{ id: string; name: string | null }> {
  const { viewer } = context;
  const organization = await loadById<OrganizationProjectionDoc>(context.loaders, context.services.organizations, organizationId);
  if (viewer.kind === 'partner') {
    if (!viewer.scopes.includes(JOBS_WRITE)) throw new AppError('FORBIDDEN', 'This API key lacks the jobs:write scope.');
    if (!viewer.orgId || viewer.orgId !== organizationId) throw notYours();
    // Identity issues keys only to verified organizations, so the key vouches even before our projection caught up.
    return { id: organizationId, name: organization?.name ?? null };
  }
  const userId = requireUser(viewer);
  if (!organization?.members?.some((member) => member.userId === userId)) throw notYours();
  if (!organization.verified) throw new AppError('FORBIDDEN', 'Only verified organizations may post jobs; ask an operator to verify yours.');
  return { id: organizationId, name: organization.name ?? null };
}

export function jobQuery(filter: JobFilter | null | undefined): Record<string, unknown> {
  const query: Record<string, unknown> = {};
  const status = filter?.status === undefined ? 'OPEN' : filter.status;
  if (status) query.status = status;
  const title = text(filter?.title, 'filter.title', 120);
  if (title) query.titleLower = { $regex: escapeRegex(title.toLowerCase()) };
  const location = text(filter?.location, 'filter.location', 100);
  if (location) query.locationLower = { $regex: escapeRegex(location.toLowerCase()) };
  if (filter?.skills?.length) {
    if (filter.skills.length > 30) throw badInput('filter.skills', 'list at most 30 skills.');
    query.skills = { $all: normalizeSkills(filter.skills) };
  }
  if (typeof filter?.remote === 'boolean') query.remote = filter.remote;
  if (filter?.seniority) query.seniority = filter.seniority;
  if (filter?.organizationId) query.organizationId = filter.organizationId;
  return query;
}

const jobCursor = (job: JobDoc) => newestFirstCursor(job.createdAt, job._id);

export const jobResolvers = {
  Query: {
    jobs: async (_, args, context) => {
      const size = pageSize(args.first, { fallback: 20, max: MAX_JOBS_PAGE, overMax: 'cap' });
      const cursor = decodeNewestFirstCursor(args.after);
      const query = { ...jobQuery(args.filter), ...newestFirstAfter(cursor, 'createdAt') };
      const docs = await context.services.jobs.find(query).sort({ createdAt: -1, _id: -1 }).limit(size + 1).lean<JobDoc[]>();
      return toConnection(docs, size, jobCursor, HIRING_LISTS);
    },
    job: (_, args, context) => loadById<JobDoc>(context.loaders, context.services.jobs, args.id),
  },
  Mutation: {
    postJob: async (_, args, context) => {
      const organizationId = text(args.input.organizationId, 'input.organizationId', 100, true)!;
      const fields = validatePostJob(args.input);
      const organization = await organizationForPosting(context, organizationId);
      const id = randomUUID();
      const { viewer } = context;
      const postedBy = viewer.kind === 'partner' ? { kind: 'partner' as const, id: viewer.keyId ?? viewer.orgId! } : { kind: 'user' as const, id: viewer.userId! };
      const event = hiringEvents.jobPosted.create({ jobId: id, organizationId, title: fields.title, skills: fields.skills });
      const created = await context.services.jobs.create({
        _id: id,
        organizationId,
        organizationName: organization.name,
        ...fields,
        status: 'OPEN',
        postedBy,
        ...outboxOnCreate([event]),
      });
      context.services.openJobs.invalidate();
      context.services.relay.kick();
      return created.toObject();
    },
    updateJob: async (_, args, context) => {
      const update = validateUpdateJob(args.input);
      const job = await loadById<JobDoc>(context.loaders, context.services.jobs, args.id);
      if (!job) throw new AppError('NOT_FOUND', 'No such job among your organization\'s.');
      try {
        await organizationForPosting(context, job.organizationId);
      } catch (error) {
        // Do not confirm that another organization's job exists.
        if (error instanceof AppError && error.code === 'NOT_FOUND') throw new AppError('NOT_FOUND', 'No such job among your organization\'s.');
        throw error;
      }
      const event = hiringEvents.jobUpdated.create({ jobId: job._id, organizationId: job.organizationId, fields: Object.keys(update) });
      const updated = await updateAndRead(context.services.jobs, { _id: job._id }, outboxOnUpdate([event], { $set: update }));
      context.services.openJobs.invalidate();
      context.services.relay.kick();
      if (!updated) throw new AppError('NOT_FOUND', 'No such job among your organization\'s.');
      return updated;
    },
  },
  Job: {
    id: (job) => job._id,
    postedAt: (job) => job.createdAt,
    skills: (job) => job.skills ?? [],
  },
} satisfies Resolvers;

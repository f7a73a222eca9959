import { loadById } from '@profile-graph/kit';
import { deriveAdInterests } from '../ads/deriveAdInterests';
import type { HiringProfileDoc } from '../models/hiringProfileModel';
import type { JobActivityDoc } from '../models/jobActivityModel';
import type { JobDoc } from '../models/jobModel';
import { pageSize } from '../pagination/cursor';
import { scoreJobs, type ActivitySignal } from '../recommendations/scoreJobs';
import { escapeRegex, type Context } from './hiringContext';

/** How many open jobs are scored at most per request: the newest that match anything. */
const CANDIDATE_JOBS = 500;

/** Open jobs worth scoring: those sharing a skill, a wanted role or location with the person or their activity. */
function candidateJobsQuery(profile: HiringProfileDoc | null, activityJobs: JobDoc[]): Record<string, unknown> | null {
  const skills = new Set([...(profile?.skills ?? []), ...activityJobs.flatMap((job) => job.skills ?? [])]);
  const or: Record<string, unknown>[] = [];
  if (skills.size) or.push({ skills: { $in: [...skills] } });
  for (const role of profile?.preferences?.roles ?? []) or.push({ titleLower: { $regex: escapeRegex(role) } });
  for (const location of profile?.preferences?.locations ?? []) or.push({ locationLower: { $regex: escapeRegex(location) } });
  if (profile?.preferences?.remote) or.push({ remote: true });
  if (activityJobs.length) or.push({ _id: { $in: activityJobs.map((job) => job._id) } });
  return or.length ? { status: 'OPEN', $or: or } : null;
}

export const recommendationResolvers = {
  User: {
    // @requiresConsent(HIRING_RECOMMENDATIONS) binds the owner too, and restrictViewers keeps it to the owner.
    jobRecommendations: async (user: { id: string }, args: { first?: number | null }, context: Context) => {
      const size = pageSize(args.first, 10, 50);
      const { jobs, activity, profiles } = context.services;
      const [profile, recent] = await Promise.all([
        loadById<HiringProfileDoc>(context.loaders, profiles, user.id),
        activity.find({ userId: user.id }).sort({ createdAt: -1, _id: -1 }).limit(200).lean<JobActivityDoc[]>(),
      ]);
      const jobIds = [...new Set(recent.map((entry) => entry.jobId))];
      const loaded = await Promise.all(jobIds.map((id) => loadById<JobDoc>(context.loaders, jobs, id)));
      const activityJobs = loaded.filter((job): job is JobDoc => job !== null);
      const byId = new Map(activityJobs.map((job) => [job._id, job]));
      const signals: ActivitySignal[] = recent.flatMap((entry) => (byId.has(entry.jobId) ? [{ kind: entry.kind, job: byId.get(entry.jobId)! }] : []));
      const query = candidateJobsQuery(profile, activityJobs);
      if (!query) return [];
      const pool = await jobs.find(query).sort({ createdAt: -1, _id: -1 }).limit(CANDIDATE_JOBS).lean<JobDoc[]>();
      return scoreJobs(profile, pool, signals).slice(0, size);
    },
    // restrictViewers keeps it to service viewers; @requiresConsent(AD_PERSONALIZATION) has run before this.
    adInterests: async (user: { id: string }, _: unknown, context: Context) =>
      deriveAdInterests(await loadById<HiringProfileDoc>(context.loaders, context.services.profiles, user.id)),
  },
};

import { loadById, pageSize } from '@profile-graph/kit';
import { deriveAdInterests } from '../ads/deriveAdInterests';
import type { HiringProfileDoc } from '../models/hiringProfileModel';
import type { JobActivityDoc } from '../models/jobActivityModel';
import type { JobDoc } from '../models/jobModel';
import { scoreJobs, type ActivitySignal } from '../recommendations/scoreJobs';
import { escapeRegex } from './hiringContext';
import type { Resolvers } from '../generated/resolvers';

/** How many open jobs are scored at most per request: the newest that match anything. */
const CANDIDATE_JOBS = 500;

/** What makes an open job worth scoring: a skill, a wanted role or place shared with the person or their activity. */
interface JobInterest {
  skills: string[];
  roles: string[];
  locations: string[];
  remote: boolean;
  jobIds: string[];
}

function jobInterest(profile: HiringProfileDoc | null, activityJobs: JobDoc[]): JobInterest | null {
  const interest = {
    skills: [...new Set([...(profile?.skills ?? []), ...activityJobs.flatMap((job) => job.skills ?? [])])],
    roles: profile?.preferences?.roles ?? [],
    locations: profile?.preferences?.locations ?? [],
    remote: profile?.preferences?.remote === true,
    jobIds: activityJobs.map((job) => job._id),
  };
  const any = interest.skills.length || interest.roles.length || interest.locations.length || interest.remote || interest.jobIds.length;
  return any ? interest : null;
}

/** The interest as a MongoDB filter over open jobs. */
export function candidateJobsQuery(interest: JobInterest): Record<string, unknown> {
  const or: Record<string, unknown>[] = [];
  if (interest.skills.length) or.push({ skills: { $in: interest.skills } });
  for (const role of interest.roles) or.push({ titleLower: { $regex: escapeRegex(role) } });
  for (const location of interest.locations) or.push({ locationLower: { $regex: escapeRegex(location) } });
  if (interest.remote) or.push({ remote: true });
  if (interest.jobIds.length) or.push({ _id: { $in: interest.jobIds } });
  return { status: 'OPEN', $or: or };
}

/** The same filter as candidateJobsQuery, over an open job in memory (the regexes are escaped literals: substrings). */
export function matchesJobInterest(interest: JobInterest): (job: JobDoc) => boolean {
  const skills = new Set(interest.skills);
  const jobIds = new Set(interest.jobIds);
  return (job) =>
    (job.skills ?? []).some((skill) => skills.has(skill)) ||
    interest.roles.some((role) => job.titleLower.includes(role)) ||
    interest.locations.some((location) => job.locationLower?.includes(location) === true) ||
    (interest.remote && job.remote === true) ||
    jobIds.has(job._id);
}

export const recommendationResolvers = {
  User: {
    // @requiresConsent(HIRING_RECOMMENDATIONS) has run: the owner (bound by the consent too) or a service with hiring:recommendations.
    jobRecommendations: async (user, args, context) => {
      const size = pageSize(args.first, { fallback: 10, max: 50, overMax: 'cap' });
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
      const interest = jobInterest(profile, activityJobs);
      if (!interest) return [];
      const open = await context.services.openJobs.get();
      const pool = open
        ? open.filter(matchesJobInterest(interest)).slice(0, CANDIDATE_JOBS)
        : await jobs.find(candidateJobsQuery(interest)).sort({ createdAt: -1, _id: -1 }).limit(CANDIDATE_JOBS).lean<JobDoc[]>();
      return scoreJobs(profile, pool, signals).slice(0, size);
    },
    // @requiresConsent(AD_PERSONALIZATION) has run: a service with ads:personalization, for a consenting subject.
    adInterests: async (user, _, context) =>
      deriveAdInterests(await loadById<HiringProfileDoc>(context.loaders, context.services.profiles, user.id)),
  },
} satisfies Resolvers;

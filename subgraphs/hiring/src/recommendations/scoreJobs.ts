import type { HiringProfileDoc } from '../models/hiringProfileModel';
import type { JobActivityKind } from '../models/jobActivityModel';
import type { JobDoc } from '../models/jobModel';

export interface JobRecommendation {
  job: JobDoc;
  score: number;
  matchedSkills: string[];
  matchedPreferences: string[];
  activitySignals: string[];
}

export interface ActivitySignal {
  kind: JobActivityKind;
  job: Pick<JobDoc, '_id' | 'skills'>;
}

const ACTIVITY_WEIGHT: Record<JobActivityKind, number> = { VIEW: 0.5, SAVE: 1, APPLY: 1.5 };
const ACTIVITY_PHRASE: Record<JobActivityKind, string> = { VIEW: 'jobs you viewed', SAVE: 'jobs you saved', APPLY: 'jobs you applied to' };

/**
 * Scores open jobs for one person: skills they have that the job asks for
 * weigh most, then the preferences the job meets, then how much it resembles
 * what they viewed, saved or applied to. Every point has a reason the person
 * is shown. Jobs they already applied to, and jobs that match nothing, are left out.
 */
export function scoreJobs(profile: Pick<HiringProfileDoc, 'skills' | 'preferences'> | null, jobs: JobDoc[], activity: ActivitySignal[]): JobRecommendation[] {
  const skills = new Set(profile?.skills ?? []);
  const preferences = profile?.preferences;
  const applied = new Set(activity.filter((entry) => entry.kind === 'APPLY').map((entry) => entry.job._id));
  const results: JobRecommendation[] = [];
  for (const job of jobs) {
    if (applied.has(job._id) || job.status !== 'OPEN') continue;
    let score = 0;
    const matchedSkills = job.skills.filter((skill) => skills.has(skill));
    if (matchedSkills.length) score += 3 * matchedSkills.length + 5 * (matchedSkills.length / job.skills.length);

    const matchedPreferences: string[] = [];
    const role = preferences?.roles.find((wanted) => job.titleLower.includes(wanted));
    if (role) {
      score += 4;
      matchedPreferences.push(`role: ${role}`);
    }
    const location = job.locationLower ? preferences?.locations.find((wanted) => job.locationLower!.includes(wanted)) : undefined;
    if (location) {
      score += 2;
      matchedPreferences.push(`location: ${location}`);
    }
    if (preferences?.remote === true && job.remote) {
      score += 2;
      matchedPreferences.push('remote');
    } else if (preferences?.remote === false && !job.remote) {
      score += 1;
      matchedPreferences.push('on site');
    }
    if (job.seniority && preferences?.seniority.includes(job.seniority)) {
      score += 2;
      matchedPreferences.push(`seniority: ${job.seniority}`);
    }

    const activitySignals = new Set<string>();
    let fromActivity = 0;
    for (const entry of activity) {
      if (entry.job._id === job._id) {
        fromActivity += ACTIVITY_WEIGHT[entry.kind];
        activitySignals.add(entry.kind === 'SAVE' ? 'you saved this job' : 'you viewed this job');
        continue;
      }
      const shared = entry.job.skills.filter((skill) => job.skills.includes(skill)).length;
      if (shared > 0) {
        fromActivity += ACTIVITY_WEIGHT[entry.kind] * Math.min(shared, 3) * 0.5;
        activitySignals.add(`similar to ${ACTIVITY_PHRASE[entry.kind]}`);
      }
    }
    // Activity nudges; it cannot outweigh what the person told us about themselves.
    score += Math.min(fromActivity, 5);
    if (score <= 0) continue;
    results.push({ job, score: Math.round(score * 100) / 100, matchedSkills, matchedPreferences, activitySignals: [...activitySignals] });
  }
  return results.sort((a, b) => b.score - a.score || b.job.createdAt.getTime() - a.job.createdAt.getTime() || (a.job._id < b.job._id ? -1 : 1));
}

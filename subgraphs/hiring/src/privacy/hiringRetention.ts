import { daysToMs, type RetentionPolicy } from '@profile-graph/kit';
import type { JobActivityModel } from '../models/jobActivityModel';

/** Job-search activity older than the configured days goes, consent or not: recommendations only need recent behaviour. */
export function hiringRetentionPolicies(deps: { activity: JobActivityModel; jobSearchActivityDays: number }): RetentionPolicy[] {
  return [
    {
      kind: 'job_search_activity',
      retentionMs: daysToMs(deps.jobSearchActivityDays),
      sweep: async (cutoff) => (await deps.activity.deleteMany({ createdAt: { $lt: cutoff } })).deletedCount,
    },
  ];
}

import { daysToMs, type RetentionPolicy } from '@profile-graph/kit';
import type { DataAccessModel } from '../models/dataAccessModel';

/** Access log entries older than the configured days go (the subject has had them listed for that long). */
export function consentRetentionPolicies(deps: { accessLog: DataAccessModel; accessLogDays: number }): RetentionPolicy[] {
  return [
    {
      kind: 'access_log',
      retentionMs: daysToMs(deps.accessLogDays),
      sweep: async (cutoff) => (await deps.accessLog.deleteMany({ at: { $lt: cutoff } })).deletedCount,
    },
  ];
}

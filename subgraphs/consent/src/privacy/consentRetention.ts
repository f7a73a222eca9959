import { daysToMs, type RetentionPolicy } from '@profile-graph/kit';
import type { DataAccessModel } from '../models/dataAccessModel';

/**
 * Access log entries whose last read (`at`, GraphQL lastAt) is older than the configured days go (the
 * subject has had them listed for that long). An entry spans about one access-log flush window,
 * so its first read is at most that much older.
 */
export function consentRetentionPolicies(deps: { accessLog: DataAccessModel; accessLogDays: number }): RetentionPolicy[] {
  return [
    {
      kind: 'access_log',
      retentionMs: daysToMs(deps.accessLogDays),
      sweep: async (cutoff) => (await deps.accessLog.deleteMany({ at: { $lt: cutoff } })).deletedCount,
    },
  ];
}

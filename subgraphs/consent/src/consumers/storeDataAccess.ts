import { ACCESS_RECORDED_SUBJECT, type AccessLogEntry, type ConsumeOptions, type EventEnvelope } from '@profile-graph/kit';
import type { DataAccessModel } from '../models/dataAccessModel';

/**
 * Stores the access-log batches every subgraph publishes. Each entry is
 * upserted by its own id, so a redelivered or republished batch adds nothing.
 */
export function storeDataAccess(log: DataAccessModel): ConsumeOptions {
  return {
    stream: 'PRIVACY',
    durable: 'consent-access-recorded',
    filterSubjects: [ACCESS_RECORDED_SUBJECT],
    handler: async (event: EventEnvelope) => {
      const entries = Array.isArray(event.data.entries) ? (event.data.entries as AccessLogEntry[]) : [];
      const valid = entries.filter((entry) => typeof entry?.id === 'string' && typeof entry.subjectUserId === 'string' && typeof entry.field === 'string');
      if (valid.length === 0) return;
      await log.bulkWrite(
        valid.map(({ id, at, ...rest }) => ({
          replaceOne: { filter: { _id: id }, replacement: { ...rest, _id: id, at: new Date(at) }, upsert: true },
        })),
        { ordered: false },
      );
    },
  };
}

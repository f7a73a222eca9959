import { ERASURE_COMPLETED_SUBJECT, isDuplicateKeyError, PRIVACY_SUBGRAPHS, type ConsumeOptions } from '@profile-graph/kit';
import type { PrivacyProgressModel } from './privacyRequestModels';

/** Stores each subgraph's completion report once (insert keyed by request and subgraph; a redelivery collides and is dropped). */
export function recordErasureProgress(progress: PrivacyProgressModel): ConsumeOptions {
  return {
    stream: 'PRIVACY',
    durable: 'consent-erasure-progress',
    filterSubjects: [ERASURE_COMPLETED_SUBJECT],
    handler: async (event) => {
      const { requestId, subgraph, removed, completedAt } = event.data;
      if (typeof requestId !== 'string' || !(PRIVACY_SUBGRAPHS as readonly unknown[]).includes(subgraph)) return;
      const at = typeof completedAt === 'string' && !Number.isNaN(Date.parse(completedAt)) ? new Date(completedAt) : new Date(event.occurredAt);
      try {
        await progress.create({ _id: `${requestId}:${String(subgraph)}`, requestId, subgraph: String(subgraph), completedAt: at, removed: (removed as Record<string, number>) ?? {} });
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
    },
  };
}

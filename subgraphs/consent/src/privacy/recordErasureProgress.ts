import { isDuplicateKeyError, defineConsumer, privacyEvents, type ConsumeOptions } from '@profile-graph/kit';
import type { PrivacyProgressModel } from './privacyRequestModels';

/** Stores each subgraph's completion report once (insert keyed by request and subgraph; a redelivery collides and is dropped). */
export function recordErasureProgress(progress: PrivacyProgressModel): ConsumeOptions {
  return defineConsumer({
    stream: 'PRIVACY',
    durable: 'consent-erasure-progress',
    events: [privacyEvents.erasureCompleted],
    handler: async (event) => {
      const { requestId, subgraph, removed, completedAt } = event.data;
      const at = completedAt !== undefined ? new Date(completedAt) : new Date(event.occurredAt);
      try {
        await progress.create({ _id: `${requestId}:${subgraph}`, requestId, subgraph, completedAt: at, removed });
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
    },
  });
}

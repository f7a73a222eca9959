import { z } from 'zod';
import { PRIVACY_SUBGRAPHS } from '@profile-graph/core';
import { defineEvent, id, isoDate } from './defineEvent';

/** privacy.v1.>: the erasure saga (requests by consent, one report per subgraph) and the access-log batches, on PRIVACY. */
export const privacyEvents = {
  erasureRequested: defineEvent({ subject: 'privacy.v1.erasure.requested', schema: z.looseObject({ requestId: id(), userId: id() }) }),
  erasureCompleted: defineEvent({
    subject: 'privacy.v1.erasure.completed',
    schema: z.looseObject({ requestId: id(), subgraph: z.enum(PRIVACY_SUBGRAPHS), removed: z.record(z.string(), z.number()), completedAt: isoDate().optional() }),
  }),
  /**
   * `entries` is checked entry by entry by its consumer (storeDataAccess, parseAccessEntry): one malformed
   * entry must not cost the batch, and every batch, even a malformed one, is deleted from PRIVACY once handled
   * because it names many people; a dead-lettered batch would stay there until max_age.
   */
  accessRecorded: defineEvent({ subject: 'privacy.v1.access.recorded', schema: z.looseObject({ entries: z.unknown() }) }),
} as const;

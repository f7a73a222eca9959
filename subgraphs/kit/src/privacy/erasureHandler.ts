import { Schema, type Connection, type Model } from 'mongoose';
import type { Logger } from 'pino';
import { isDuplicateKeyError } from '../db/isDuplicateKeyError';
import { privacyEvents } from '../events/catalog';
import type { EventEnvelope } from '../events/eventEnvelope';
import { deleteMessagesMentioning } from '../events/deleteMessagesMentioning';
import { defineConsumer, type ConsumeOptions, type EventBus } from '../events/eventBus';
import { UNLIMITED } from '../events/deliveryPolicy';
import { STREAM_NAMES, streams } from '../events/streams';
import { outboxOnCreate, outboxSchemaFields, type OutboxRelay } from '../events/outbox';
import { eraseConsentProjection } from './consentProjectionRecords';
import { erasureGuard } from './erasureGuard';
import { ACCESS_RECORDED_SUBJECT } from '../consent/accessLogRecorder';
import { ERASURE_REQUESTED_SUBJECT } from '@profile-graph/core';

/**
 * That this subgraph finished its part of one erasure request, and what it
 * removed (counts only). Keyed by the request id and free of the user id, so
 * it survives the erasure it records; its outbox carries the completion
 * report (and, for identity, identity.v1.user.deleted) to NATS.
 */
export interface ErasureReceiptDoc {
  _id: string;
  subgraph: string;
  completedAt: Date;
  removed: Record<string, number>;
}

const erasureReceiptSchema = new Schema<ErasureReceiptDoc>(
  {
    _id: { type: String, required: true },
    subgraph: { type: String, required: true },
    completedAt: { type: Date, required: true },
    removed: { type: Object, default: {} },
    ...outboxSchemaFields,
  },
  { collection: 'privacy_erasures', versionKey: false, minimize: false },
);

export type ErasureReceiptModel = Model<ErasureReceiptDoc>;

export const erasureReceiptModel = (db: Connection): ErasureReceiptModel =>
  (db.models.PrivacyErasure as ErasureReceiptModel | undefined) ?? db.model<ErasureReceiptDoc>('PrivacyErasure', erasureReceiptSchema);

export interface ErasureHandlerOptions {
  subgraph: string;
  db: Connection;
  relay: OutboxRelay;
  /** Reads and deletes the user's messages on the streams this subgraph owns. */
  bus: EventBus;
  logger: Logger;
  clock?: () => Date;
  /**
   * Erases or anonymizes everything of `userId` this subgraph holds. Must be
   * repeatable: a crash midway redelivers the request and it runs again.
   * Resolves with what it removed, by data kind.
   */
  erase(userId: string, requestId: string): Promise<Record<string, number>>;
  /** Events to publish with the completion report, in the same write (identity: identity.v1.user.deleted). */
  completionEvents?(userId: string): EventEnvelope[];
}

/**
 * The erasure record on the streams: the request (every subgraph's erasure step, and any fresh instance
 * replaying the stream, needs it to write its tombstone) and identity's `user.deleted` (published with identity's
 * completion report, after this step). Both name the user's id and nothing else about them.
 */
export const ERASURE_RECORD_SUBJECTS = [ERASURE_REQUESTED_SUBJECT, 'identity.v1.user.deleted'] as const;

/**
 * Access-log batches mix many people's reads, and consent deletes each one as soon as it stored it (the guard
 * drops the erased user's entries from a late one); deleting one here before it was stored would lose the
 * other people's entries.
 */
const LEFT_TO_THEIR_CONSUMER = [ACCESS_RECORDED_SUBJECT];

/** Each stream's owner erases the user's messages from it: the only role allowed to delete from that stream. */
async function eraseFromOwnStreams(bus: EventBus, subgraph: string, userId: string): Promise<number> {
  let deleted = 0;
  for (const name of STREAM_NAMES.filter((stream) => streams[stream].owner === subgraph)) {
    deleted += await deleteMessagesMentioning(bus.nc, name, userId, { keepSubjects: [...ERASURE_RECORD_SUBJECTS, ...LEFT_TO_THEIR_CONSUMER] });
  }
  return deleted;
}

/**
 * One step of the erasure saga. A durable consumer shared by every instance
 * of the subgraph (`<subgraph>-privacy-erasure`), so each request is handled
 * once per service and survives restarts: JetStream redelivers a request
 * whose handler crashed or failed. The user's tombstone (`erased_users`,
 * see ErasureGuard) is written before anything is deleted. The data goes next, then one insert of
 * the receipt with its completion event; a redelivery after that finds the
 * receipt and does nothing. Never dead-lettered (maxDeliver unlimited): a step given up would leave the user's
 * data behind; it is retried at the backoff's pace, and consent's deadline on the request shows it overdue.
 */
export function erasureHandler(options: ErasureHandlerOptions): ConsumeOptions & { receipts: ErasureReceiptModel } {
  const receipts = options.relay.track(erasureReceiptModel(options.db));
  const clock = options.clock ?? (() => new Date());
  const consumer = defineConsumer({
    stream: 'PRIVACY',
    durable: `${options.subgraph}-privacy-erasure`,
    events: [privacyEvents.erasureRequested],
    maxDeliver: UNLIMITED,
    handler: async (event) => {
      const { requestId, userId } = event.data;
      if (await receipts.exists({ _id: requestId })) {
        options.relay.kick();
        return;
      }
      // The tombstone first: every consumer and write path checks it, so nothing recreates what is deleted next.
      await erasureGuard(options.db).record(userId, clock());
      const removed = await options.erase(userId, requestId);
      removed.consentProjection = await eraseConsentProjection(options.db, userId);
      // What this step published about the user (session revocations, a failed call) is on the stream first.
      await options.relay.flush();
      removed.streamMessages = await eraseFromOwnStreams(options.bus, options.subgraph, userId);
      const completedAt = clock();
      const completed = privacyEvents.erasureCompleted.create({ requestId, subgraph: options.subgraph as never, removed, completedAt: completedAt.toISOString() });
      try {
        await receipts.create({ _id: requestId, subgraph: options.subgraph, completedAt, removed, ...outboxOnCreate([...(options.completionEvents?.(userId) ?? []), completed]) });
      } catch (error) {
        // Another instance finished the same request meanwhile: its receipt reports it.
        if (!isDuplicateKeyError(error)) throw error;
      }
      options.relay.kick();
      options.logger.info({ requestId, removed }, 'erased this subgraph\'s part of an account');
    },
  });
  return Object.assign(consumer, { receipts });
}

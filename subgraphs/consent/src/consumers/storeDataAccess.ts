import { isDuplicateKeyError, defineConsumer, privacyEvents, type EventOf, type ConsumeOptions, type Delivery, type ErasureGuard, type EventBus } from '@profile-graph/kit';
import type { Logger } from 'pino';
import type { DataAccessDoc, DataAccessModel } from '../models/dataAccessModel';
import { parseAccessEntry } from './parseAccessEntry';

/** Problems named per event in the warning; the count says how many more. */
const PROBLEMS_LOGGED = 10;

/** True when every write error of a bulk insert is a duplicate `_id` (an entry stored before). */
function onlyDuplicates(error: unknown): boolean {
  const writeErrors = (error as { writeErrors?: unknown })?.writeErrors;
  const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
  if (list.length === 0) return isDuplicateKeyError(error);
  return list.every((writeError: { code?: number; err?: { code?: number } }) => isDuplicateKeyError(writeError.code === undefined ? writeError.err : writeError));
}

/**
 * Stores the access-log batches every subgraph publishes: one document per
 * entry, each entry already the aggregate of one viewer's reads of one
 * subject's data for one purpose within one flush window, so a page of 50
 * candidates is about 50 inserts, not 200, and rereads within the window
 * cost nothing. Old one-read entries still on the stream are stored as
 * one-field aggregates. Insert-only by entry id: a redelivered or republished
 * batch adds nothing and cannot undo what erasure anonymized since. Malformed
 * entries are dropped with a warning naming what was wrong; the rest of the
 * batch is stored. Entries arriving after an erasure (still buffered in
 * another subgraph when it ran) are held to it: about an erased subject they
 * are not stored, by an erased reader they are stored without the reader's id.
 * Each batch is deleted from PRIVACY once handled.
 */
export function storeDataAccess(log: DataAccessModel, logger: Logger, guard: ErasureGuard, bus: EventBus): ConsumeOptions {
  const handle = storeBatch(log, logger, guard);
  return defineConsumer({
    stream: 'PRIVACY',
    durable: 'consent-access-recorded',
    events: [privacyEvents.accessRecorded],
    handler: async (event, delivery: Delivery) => {
      await handle(event);
      // Stored (or dropped as malformed): the batch served its purpose, and it names many people, so it leaves
      // the stream now rather than at max_age. Before the ack: a crash in between redelivers it, which is harmless.
      try {
        await (await bus.nc.jetstreamManager()).streams.deleteMessage(delivery.stream, delivery.seq, true);
      } catch (error) {
        if (!/no message found|not found/i.test(String((error as Error).message))) throw error;
      }
    },
  });
}

function storeBatch(log: DataAccessModel, logger: Logger, guard: ErasureGuard) {
  return async (event: EventOf<typeof privacyEvents.accessRecorded>) => {
    const entries: unknown = event.data.entries;
    if (!Array.isArray(entries)) {
      logger.warn({ eventId: event.id, problem: 'data.entries: expected an array' }, 'dropped an access log batch');
      return;
    }
    const docs: DataAccessDoc[] = [];
    const dropped: { index: number; id?: string; problems: string[] }[] = [];
    entries.forEach((raw: unknown, index: number) => {
      const parsed = parseAccessEntry(raw);
      if (parsed.doc) docs.push(parsed.doc);
      else dropped.push({ index, ...(typeof (raw as { id?: unknown })?.id === 'string' ? { id: (raw as { id: string }).id } : {}), problems: parsed.problems });
    });
    if (dropped.length > 0) {
      logger.warn({ eventId: event.id, dropped: dropped.length, stored: docs.length, entries: dropped.slice(0, PROBLEMS_LOGGED) }, 'dropped malformed access log entries');
    }
    if (docs.length === 0) return;
    const people = new Set<string>();
    for (const doc of docs) {
      people.add(doc.subjectUserId);
      if (doc.viewerKind === 'user' && doc.viewerId) people.add(doc.viewerId);
    }
    const erased = await guard.erasedAmong(people);
    const stored = docs
      .filter((doc) => !erased.has(doc.subjectUserId))
      .map((doc) => (doc.viewerKind === 'user' && doc.viewerId && erased.has(doc.viewerId) ? { ...doc, viewerId: null } : doc));
    if (stored.length === 0) return;
    try {
      await log.insertMany(stored, { ordered: false });
    } catch (error) {
      // The others were inserted; anything but a duplicate is retried (the whole batch, which is idempotent).
      if (!onlyDuplicates(error)) throw error;
    }
    // An erasure that ran between the check and the insert deleted before these landed: do its part for them.
    const overtaken = [...(await guard.erasedAmong(people))].filter((id) => !erased.has(id));
    if (overtaken.length > 0) {
      const ids = stored.map((doc) => doc._id);
      await log.deleteMany({ _id: { $in: ids }, subjectUserId: { $in: overtaken } });
      await log.updateMany({ _id: { $in: ids }, viewerKind: 'user', viewerId: { $in: overtaken } }, { $set: { viewerId: null } });
    }
  };
}

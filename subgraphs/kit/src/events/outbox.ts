import type { Model } from 'mongoose';
import type { Logger } from 'pino';
import { observeOutboxWrites } from '../db/observeOutboxWrites';
import { serializeWrites } from '../db/serializeWrites';
import { crashNow, type Fault } from '../observability/faultInjection';
import { currentRequestScope, traceHeaders } from '@profile-graph/core';
import type { EventBus, EventMeta } from './eventBus';
import type { EventEnvelope } from './eventEnvelope';

/** An outbox entry: the envelope, plus what the relay puts in NATS headers rather than in the payload. */
type OutboxEntry = EventEnvelope & { _meta?: EventMeta };

/**
 * Stamps each event with the trace context and request id of the write that
 * queued it, so the relay (which runs later, outside the request) publishes
 * it as part of the same trace.
 */
function withMeta(events: EventEnvelope[]): OutboxEntry[] {
  const { traceparent, tracestate } = traceHeaders();
  const requestId = currentRequestScope()?.requestId;
  if (!traceparent && !requestId) return events;
  const meta: EventMeta = { ...(traceparent ? { traceparent } : {}), ...(tracestate ? { tracestate } : {}), ...(requestId ? { requestId } : {}) };
  return events.map((event) => ({ ...event, _meta: meta }));
}

/**
 * Transactional outbox without transactions (FerretDB 1.x has none): the
 * events of a change are written into the changed document itself, in the
 * same single-document write, and a relay publishes them afterwards. A crash
 * between the write and the publish only delays the event; it is never lost.
 */
export const outboxSchemaFields = {
  // Not `select: false`: mongoose would then add a projection to
  // findOneAndUpdate, which FerretDB 1.x does not implement.
  _outbox: { type: [Object], default: undefined },
  _outboxSeq: { type: Number, default: 0 },
  // Set while events wait, removed when published: the relay's poll looks for it by equality, which
  // FerretDB pushes down to an index, where a query on `_outbox.0` would read every document.
  _outboxPending: { type: Boolean, default: undefined, index: true },
};

/** Fields to add to an inserted document so its events leave with it. */
export function outboxOnCreate(events: EventEnvelope[]) {
  return { _outbox: withMeta(events), _outboxSeq: 1, _outboxPending: true };
}

/**
 * Update operators that queue events in the same write as the change. Always
 * pass the change as `update`: the outbox adds $set, $push and $inc of its
 * own, so spreading this next to yours would overwrite one of them (the type
 * checker flags `{ $set: ..., ...outboxOnUpdate(events) }`).
 */
export function outboxOnUpdate(events: EventEnvelope[], update: Record<string, any> = {}) {
  return {
    ...update,
    $set: { ...update.$set, _outboxPending: true },
    $push: { ...update.$push, _outbox: { $each: withMeta(events) } },
    $inc: { ...update.$inc, _outboxSeq: 1 },
  };
}

interface PendingDoc {
  _id: unknown;
  _outbox: OutboxEntry[];
  _outboxSeq: number;
}

/** One document of one model, for the relay's in-flight and waiter bookkeeping. */
const relayKey = (model: Model<any>, id: unknown) => `${model.modelName}:${String(id)}`;

/** Kicks within this window share one full pass: the scan is costly on FerretDB. */
const KICK_DEBOUNCE_MS = 100;

/** How many documents' events are relayed at once. */
const RELAY_CONCURRENCY = 16;

async function forEachConcurrently<T>(items: T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await run(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export class OutboxRelay {
  private readonly models: Model<any>[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly bus: EventBus,
    private readonly logger: Logger,
    private readonly options: { intervalMs: number; batchSize?: number; serializeWrites?: boolean; fault?: Fault } = { intervalMs: 500 },
  ) {}

  /** Publishes the outbox of `model`'s documents. Prefer `track`, which also guards writes on FerretDB. */
  watch(model: Model<any>): this {
    this.models.push(model);
    return this;
  }

  /**
   * Watches `model` and returns the model the service must write through:
   * on FerretDB its writes and the relay's are serialized (see
   * serializeWrites); elsewhere it is the model itself.
   */
  track<M extends Model<any>>(model: M): M {
    const guarded = this.options.serializeWrites ? serializeWrites(model) : model;
    this.watch(guarded);
    // A write that queues events on a known document has them relayed at once, by _id, without
    // scanning the collection for pending outboxes.
    return observeOutboxWrites(guarded, (id) => this.relayDocument(guarded, id));
  }

  private readonly targeted = new Map<Model<any>, Set<string>>();
  private targetedScheduled = false;

  private relayDocument(model: Model<any>, id: string): void {
    let ids = this.targeted.get(model);
    if (!ids) this.targeted.set(model, (ids = new Set()));
    ids.add(id);
    if (this.targetedScheduled) return;
    this.targetedScheduled = true;
    setImmediate(() => {
      this.targetedScheduled = false;
      void this.flushTargeted().catch((error) => this.logger.warn({ err: error }, 'outbox relay of a written document failed; the poll will retry'));
    });
  }

  private async flushTargeted(): Promise<void> {
    for (const [model, ids] of this.targeted) {
      const batch = [...ids];
      ids.clear();
      await forEachConcurrently(batch, RELAY_CONCURRENCY, async (id) => {
        if (!this.bus.isConnected() || this.options.fault === 'crash-after-write') return;
        const doc = await model.findOne({ _id: id }).select({ _id: 1, _outbox: 1, _outboxSeq: 1 }).lean<PendingDoc>();
        const published = doc?._outbox?.length ? await this.relayPending(model, doc) : true;
        if (published) this.settleWaiters(relayKey(model, id));
      });
    }
  }

  private readonly waiters = new Map<string, (() => void)[]>();

  /**
   * Resolves true once the events queued so far on document `id` of a tracked
   * model are on NATS, or false after `timeoutMs`. Never rejects: the outbox
   * delivers them later regardless; this lets a caller answer only once the
   * change is out (a consent withdrawal is enforced everywhere by the time the
   * user sees it confirmed).
   */
  whenRelayed(model: Model<any>, id: string, timeoutMs: number): Promise<boolean> {
    const key = relayKey(model, id);
    const tracked = this.models.find((candidate) => candidate.modelName === model.modelName);
    if (!tracked) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        const list = this.waiters.get(key);
        list?.splice(list.indexOf(done), 1);
        if (list?.length === 0) this.waiters.delete(key);
        resolve(false);
      }, timeoutMs);
      timer.unref();
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const list = this.waiters.get(key);
      if (list) list.push(done);
      else this.waiters.set(key, [done]);
      // Look at the document again: its relay may have finished before this call, or be in flight.
      this.relayDocument(tracked, id);
    });
  }

  private settleWaiters(key: string): void {
    const list = this.waiters.get(key);
    if (!list) return;
    this.waiters.delete(key);
    for (const done of list) done();
  }

  /** Documents being relayed right now, so the by-id path and a full pass do not publish one twice. */
  private readonly inFlight = new Set<string>();
  private readonly rerun = new Set<string>();

  /** Publishes a document's outbox and clears it; false when another relay of it was in flight (it reruns after). */
  private async relayPending(model: Model<any>, doc: PendingDoc): Promise<boolean> {
    const key = relayKey(model, doc._id);
    if (this.inFlight.has(key)) {
      // Events may have been queued after the in-flight read: look at the document again when it is done.
      this.rerun.add(key);
      return false;
    }
    this.inFlight.add(key);
    try {
      for (const { _meta, ...event } of doc._outbox) await this.bus.publish(event, _meta);
      // Clear only if no event was queued meanwhile; otherwise the next pass
      // republishes the lot and JetStream drops the duplicates by id.
      await model.updateOne({ _id: doc._id, _outboxSeq: doc._outboxSeq }, { $set: { _outbox: [] }, $unset: { _outboxPending: '' } });
      return true;
    } finally {
      this.inFlight.delete(key);
      if (this.rerun.delete(key)) this.relayDocument(model, String(doc._id));
    }
  }

  start(): void {
    this.timer = setInterval(() => this.pass(), this.options.intervalMs);
    this.timer.unref();
    this.pass();
  }

  private kickTimer: NodeJS.Timeout | null = null;

  /**
   * Called after a local write. Writes through tracked models are already
   * relayed by _id; this schedules one full pass shortly after a burst of
   * writes, for events queued on documents the relay could not identify.
   */
  kick(): void {
    // Test-only (see faultInjection): the write is stored, nothing is published yet.
    if (this.options.fault === 'crash-after-write') crashNow('crash-after-write: the change and its outbox are stored, the relay has not published');
    if (this.kickTimer) return;
    this.kickTimer = setTimeout(() => {
      this.kickTimer = null;
      this.pass();
    }, KICK_DEBOUNCE_MS);
    this.kickTimer.unref();
  }

  /** Runs a full pass now (after a NATS reconnect, at start). */
  sweep(): void {
    this.pass();
  }

  private pass(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((error) => this.logger.warn({ err: error }, 'outbox relay pass failed; will retry'))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.pass();
        }
      });
  }

  /** Resolves once everything queued so far has been published (tests, shutdown). */
  async flush(): Promise<void> {
    while (this.running) await this.running;
    await this.drain();
  }

  /** After one complete pass by `_outbox` itself, passes look for the `_outboxPending` marker only. */
  private markerOnly = false;

  private async drain(): Promise<void> {
    if (!this.bus.isConnected() || this.options.fault === 'crash-after-write') return;
    let exhaustive = true;
    const batchSize = this.options.batchSize ?? 100;
    for (const model of this.models) {
      // Keep going while full batches come back, instead of waiting a poll interval per batch
      // (bounded, so documents that keep failing to clear cannot hold the relay in one pass).
      for (let round = 0; round < 50; round += 1) {
        // The first pass also finds events queued before the pending marker existed.
        const pending = await model
          .find(this.markerOnly ? { _outboxPending: true } : { '_outbox.0': { $exists: true } })
          .select({ _id: 1, _outbox: 1, _outboxSeq: 1 })
          .limit(batchSize)
          .lean<PendingDoc[]>();
        // Documents are independent: relay several at once; within one, events keep their order.
        await forEachConcurrently(pending, RELAY_CONCURRENCY, async (doc) => {
          if (await this.relayPending(model, doc)) this.settleWaiters(relayKey(model, doc._id));
        });
        if (pending.length < batchSize) break;
        if (round === 49) exhaustive = false;
      }
    }
    if (exhaustive) this.markerOnly = true;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.kickTimer) clearTimeout(this.kickTimer);
    this.timer = null;
    this.kickTimer = null;
    if (this.running) await this.running;
  }
}

import { DeliverPolicy, Events, type ConsumerMessages } from 'nats';
import { Schema, type Connection, type Model } from 'mongoose';
import type { Logger } from 'pino';
import { isDuplicateKeyError } from '../db/isDuplicateKeyError';
import { LatestWriteQueue } from '../db/latestWriteQueue';
import { consentEvents } from '../events/catalog/consentEvents';
import type { EventBus } from '../events/eventBus';
import { parseEvent } from '../events/eventEnvelope';
import { erasureGuard, type ErasureGuard } from '../privacy/erasureGuard';
import { consentStateSubject, type ConsentPurpose } from './consentPurposes';

/** The last-value snapshot the consent subgraph publishes on `consent.v1.state.<userId>.<purpose>`. */
export interface ConsentSnapshot {
  userId: string;
  purpose: ConsentPurpose;
  status: 'GRANTED' | 'WITHDRAWN';
  version: number;
  updatedAt: string;
}

/** What enforcement needs from a projection; tests may pass an in-memory fake. */
export interface ConsentLookup {
  isGranted(userId: string, purpose: ConsentPurpose): boolean;
  /** Ids of the subjects with an active consent to `purpose`. */
  grantedSubjects(purpose: ConsentPurpose): ReadonlySet<string>;
  /** False when the projection cannot be vouched for (not yet synced, or the bus is gone too long). */
  isAvailable(): boolean;
}

interface ProjectionDoc {
  _id: string;
  userId: string;
  purpose: string;
  status: string;
  version: number;
  updatedAt: Date;
}

const projectionSchema = new Schema<ProjectionDoc>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    purpose: { type: String, required: true },
    status: { type: String, required: true },
    version: { type: Number, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'consent_projection', versionKey: false },
);

const keyOf = (userId: string, purpose: string) => `${userId}:${purpose}`;

/** A consent snapshot by the catalog's schema (consentEvents.consentState), or null: what the projection never applies. */
export function parseConsentSnapshot(data: Record<string, unknown>): ConsentSnapshot | null {
  const parsed = consentEvents.consentState.schema.safeParse(data);
  if (!parsed.success) return null;
  const { userId, purpose, status, version, updatedAt } = parsed.data;
  return { userId, purpose, status, version, updatedAt: updatedAt ?? new Date(0).toISOString() };
}

/**
 * In-memory consent state, keeping only the highest version per (user,
 * purpose) so replays and out-of-order deliveries never resurrect a withdrawn
 * consent. Pure and synchronous: enforcement reads it on every gated field.
 */
export class ConsentStateMap {
  private readonly states = new Map<string, ConsentSnapshot>();
  private readonly granted = new Map<ConsentPurpose, Set<string>>();

  /** True when the snapshot was newer than what we had. */
  apply(snapshot: ConsentSnapshot): boolean {
    const key = keyOf(snapshot.userId, snapshot.purpose);
    const current = this.states.get(key);
    if (current && current.version >= snapshot.version) return false;
    this.states.set(key, snapshot);
    let set = this.granted.get(snapshot.purpose);
    if (!set) this.granted.set(snapshot.purpose, (set = new Set()));
    if (snapshot.status === 'GRANTED') set.add(snapshot.userId);
    else set.delete(snapshot.userId);
    return true;
  }

  get(userId: string, purpose: ConsentPurpose): ConsentSnapshot | undefined {
    return this.states.get(keyOf(userId, purpose));
  }

  /** Drops every state of an erased user; true when there was one. */
  forget(userId: string): boolean {
    let found = false;
    for (const [key, snapshot] of this.states) {
      if (snapshot.userId !== userId) continue;
      this.states.delete(key);
      this.granted.get(snapshot.purpose)?.delete(userId);
      found = true;
    }
    return found;
  }

  isGranted(userId: string, purpose: ConsentPurpose): boolean {
    return this.granted.get(purpose)?.has(userId) ?? false;
  }

  grantedSubjects(purpose: ConsentPurpose): ReadonlySet<string> {
    return this.granted.get(purpose) ?? new Set();
  }

  get size(): number {
    return this.states.size;
  }
}

export interface ConsentProjectionOptions {
  db: Connection;
  bus: EventBus;
  logger: Logger;
  /** How long the bus may be disconnected before the projection stops vouching for itself. */
  staleAfterMs: number;
  /** Upper bound for the initial replay at startup. */
  syncTimeoutMs: number;
  /** How often to look for users erased by another instance of this subgraph, to forget them here too. */
  erasedUsersPollMs?: number;
}

/**
 * Every subgraph instance's own copy of all consent state. It replays the
 * CONSENT_STATE stream (last value per user and purpose) through an ordered,
 * ephemeral consumer, so each instance sees every state, then follows new
 * messages. The local collection keeps what was learned across restarts; the
 * in-memory map answers enforcement without I/O.
 */
export class ConsentProjection implements ConsentLookup {
  readonly states = new ConsentStateMap();
  private readonly model: Model<ProjectionDoc>;
  private messages: ConsumerMessages | null = null;
  private synced = false;
  /** After a reconnect: the stream sequence we must see again before vouching for the state (null: caught up). */
  private resyncTarget: number | null = null;
  private lastSeq = 0;
  private resyncGeneration = 0;
  private stopped = false;
  /** The local collection is written behind memory, latest state per key only: a slow database must not queue every snapshot. */
  private readonly persisting = new LatestWriteQueue<ConsentSnapshot>(
    (snapshot) => this.persist(snapshot),
    (error) => this.options.logger.warn({ err: error }, 'could not persist consent projection entry'),
  );
  private readonly listeners = new Set<(snapshot: ConsentSnapshot) => void>();
  private readonly guard: ErasureGuard;
  private readonly unsubscribeErased: () => void;
  private erasedPoll: NodeJS.Timeout | null = null;

  constructor(private readonly options: ConsentProjectionOptions) {
    this.model = options.db.models.ConsentProjection ?? options.db.model<ProjectionDoc>('ConsentProjection', projectionSchema);
    this.guard = erasureGuard(options.db);
    // The instance that runs the erasure forgets at once; the others within erasedUsersPollMs (startErasedPoll).
    this.unsubscribeErased = this.guard.onErased((userId) => this.states.forget(userId));
  }

  /**
   * Only one instance of a subgraph handles an erasure (a shared durable); every other instance learns it from the
   * tombstones in the shared database. Looks back a minute further than the last poll, so clocks that differ
   * between instances do not hide one; forgetting twice is harmless.
   */
  private startErasedPoll(): void {
    const every = this.options.erasedUsersPollMs;
    if (!every) return;
    let since = new Date();
    const poll = async () => {
      const now = new Date();
      try {
        for (const userId of await this.guard.erasedSince(new Date(since.getTime() - 60_000))) this.states.forget(userId);
        since = now;
      } catch (error) {
        this.options.logger.warn({ err: error }, 'could not read erasure tombstones; will retry');
      }
      if (!this.stopped) this.erasedPoll = setTimeout(() => void poll(), every).unref();
    };
    this.erasedPoll = setTimeout(() => void poll(), every).unref();
  }

  /** Loads the local copy, then replays the stream; resolves once caught up (or after syncTimeoutMs, unsynced). */
  async start(): Promise<void> {
    const { bus, logger } = this.options;
    const docs = await this.model.find().lean();
    const erased = await this.guard.erasedAmong(docs.map((doc) => doc.userId));
    for (const doc of docs) {
      const snapshot = parseConsentSnapshot({ ...doc, updatedAt: doc.updatedAt?.toISOString() });
      if (snapshot && !erased.has(snapshot.userId)) this.states.apply(snapshot);
    }
    this.startErasedPoll();
    const jsm = await bus.nc.jetstreamManager();
    const { state } = await jsm.streams.info('CONSENT_STATE');
    let caughtUp!: () => void;
    const caughtUpPromise = new Promise<void>((resolve) => (caughtUp = resolve));
    if (state.messages === 0) {
      this.synced = true;
      caughtUp();
    }
    const consumer = await bus.nc.jetstream().consumers.get('CONSENT_STATE', {
      filterSubjects: ['consent.v1.state.>'],
      deliver_policy: DeliverPolicy.LastPerSubject,
    });
    this.messages = await consumer.consume({ max_messages: 1024 });
    void (async () => {
      for await (const message of this.messages!) {
        try {
          const snapshot = parseConsentSnapshot(parseEvent(message.data).data);
          // The subject is the last-value key: a snapshot about anyone else than its subject names is not believed.
          if (snapshot && message.subject === consentStateSubject(snapshot.userId, snapshot.purpose)) this.apply(snapshot);
          else logger.error({ subject: message.subject }, 'ignoring malformed consent snapshot');
        } catch {
          logger.error({ subject: message.subject, seq: message.seq }, 'ignoring malformed consent snapshot');
        }
        this.lastSeq = message.info.streamSequence;
        if (this.resyncTarget !== null && this.lastSeq >= this.resyncTarget) this.resyncTarget = null;
        if (!this.synced && message.info.pending === 0) {
          this.synced = true;
          caughtUp();
        }
      }
    })();
    void this.watchReconnects();
    const timer = setTimeout(caughtUp, this.options.syncTimeoutMs);
    await caughtUpPromise;
    clearTimeout(timer);
    if (!this.synced) logger.warn('consent projection not caught up at startup; gated reads by others are refused until it is');
  }

  /**
   * A reconnect does not mean we are current: the consumer may still be
   * resuming, and decisions made during the outage are still on their way.
   * Until we have seen the stream's last message again, we do not vouch.
   */
  private async watchReconnects(): Promise<void> {
    for await (const status of this.options.bus.nc.status()) {
      if (this.stopped) return;
      if (status.type === Events.Reconnect) void this.resync();
    }
  }

  private async resync(): Promise<void> {
    const generation = ++this.resyncGeneration;
    this.resyncTarget = Number.MAX_SAFE_INTEGER;
    while (!this.stopped && !this.options.bus.nc.isClosed()) {
      try {
        const jsm = await this.options.bus.nc.jetstreamManager();
        const { state } = await jsm.streams.info('CONSENT_STATE');
        // A newer reconnect owns the target now.
        if (generation !== this.resyncGeneration) return;
        this.resyncTarget = state.last_seq <= this.lastSeq ? null : state.last_seq;
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }

  /**
   * Applies a snapshot to memory at once, and to the local collection in the background (the latest state per user and purpose; see LatestWriteQueue). The write
   * goes through the erasure guard: a late snapshot of an erased user (delivered after consent purged their
   * keys) is not stored, or is undone, and the user is forgotten in memory again. Until that check returns
   * the snapshot only ever denies more (an erased user has no data left to gate).
   */
  apply(snapshot: ConsentSnapshot): boolean {
    if (!this.states.apply(snapshot)) return false;
    for (const listener of this.listeners) listener(snapshot);
    this.persisting.set(keyOf(snapshot.userId, snapshot.purpose), snapshot);
    return true;
  }

  private async persist(snapshot: ConsentSnapshot): Promise<void> {
    const { userId, purpose, status, version } = snapshot;
    const _id = keyOf(userId, purpose);
    const upsert = () =>
      this.model
        .updateOne({ _id, version: { $lt: version } }, { $set: { userId, purpose, status, version, updatedAt: new Date(snapshot.updatedAt) } }, { upsert: true })
        .catch((error: unknown) => {
          // A newer version is already stored: the filter missed and the upsert collided. Nothing to do.
          if (!isDuplicateKeyError(error)) throw error;
        });
    const outcome = await this.guard.write(userId, upsert, () => this.model.deleteMany({ userId }));
    if (outcome === 'erased') this.states.forget(userId);
  }

  /** Snapshots applied in memory and not yet written to the local collection (at most one per user and purpose). */
  get pendingWrites(): number {
    return this.persisting.size;
  }

  /** Waits until every snapshot applied so far reached the local collection (or was refused there). */
  async settled(): Promise<void> {
    await this.persisting.settled();
  }

  /** Called with every snapshot that changed the projection (tests measure propagation with it). */
  onChange(listener: (snapshot: ConsentSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  isGranted(userId: string, purpose: ConsentPurpose): boolean {
    return this.states.isGranted(userId, purpose);
  }

  grantedSubjects(purpose: ConsentPurpose): ReadonlySet<string> {
    return this.states.grantedSubjects(purpose);
  }

  isAvailable(): boolean {
    return this.synced && this.resyncTarget === null && this.options.bus.disconnectedForMs() <= this.options.staleAfterMs;
  }

  isSynced(): boolean {
    return this.synced;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.erasedPoll) clearTimeout(this.erasedPoll);
    this.unsubscribeErased();
    this.messages?.stop();
    this.messages = null;
    await this.persisting.settled();
  }
}

import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { EventBus } from '../events/eventBus';
import { privacyEvents } from '../events/catalog/privacyEvents';
import type { Viewer } from '@profile-graph/core';
import type { ConsentPurpose } from './consentPurposes';

export const ACCESS_RECORDED_SUBJECT = 'privacy.v1.access.recorded';

/** One granted read of a gated field by someone other than its subject, as the consent transform reports it. */
export interface AccessLogRead {
  viewerKind: Viewer['kind'];
  /** The user id, or for partners the API key id (else the organization id). */
  viewerId: string | null;
  viewerOrgId: string | null;
  subjectUserId: string;
  /** `Type.field` */
  field: string;
  purpose: ConsentPurpose;
}

/**
 * What `privacy.v1.access.recorded` carries (`{ entries: AccessLogEntry[] }`):
 * every read by one viewer of one subject's data for one purpose in one
 * subgraph within one flush window, collapsed into one entry. `id` is fresh
 * per entry, so storing it is an idempotent insert (a redelivery adds nothing).
 */
export interface AccessLogEntry {
  id: string;
  viewerKind: Viewer['kind'];
  viewerId: string | null;
  viewerOrgId: string | null;
  subjectUserId: string;
  purpose: ConsentPurpose;
  subgraph: string;
  /** The `Type.field`s read, sorted, each once. */
  fields: string[];
  /** How many reads were collapsed (every gated field resolved counts one). */
  count: number;
  /** ISO time of the first and the last read collapsed into the entry. */
  firstAt: string;
  lastAt: string;
}

/** The one-read-per-entry shape published before aggregation; still found on the PRIVACY stream. */
export interface LegacyAccessLogEntry extends Omit<AccessLogEntry, 'fields' | 'count' | 'firstAt' | 'lastAt'> {
  field: string;
  at: string;
}

export interface AccessLogSink {
  record(read: AccessLogRead): void;
}

/** The part of the event bus the recorder uses (unit tests pass a small fake). */
export type AccessLogBus = Pick<EventBus, 'publish' | 'isConnected'>;

/**
 * Most aggregated entries held (the open window plus sealed entries waiting
 * for NATS); beyond it the oldest are dropped, loudly. An entry holds at most
 * the gated fields of one purpose in this subgraph, so its size is bounded.
 */
export const MAX_BUFFERED = 50_000;
const MAX_PER_EVENT = 500;

interface OpenEntry {
  id: string;
  read: AccessLogRead;
  fields: Set<string>;
  count: number;
  firstAt: string;
  lastAt: string;
}

/** Reads that collapse together: same viewer, same subject, same purpose (the subgraph is this recorder's). */
const aggregationKey = (read: AccessLogRead) => JSON.stringify([read.viewerKind, read.viewerId, read.viewerOrgId, read.subjectUserId, read.purpose]);

/**
 * Collects access-log reads on the request path (a map lookup, nothing more)
 * and publishes them off it. Reads within one flush window that share viewer,
 * subject and purpose become one entry with the fields read, how many reads,
 * and the first and last time: a partner page of 50 candidates with 4 gated
 * fields each is 50 entries, and the same page read again within the window
 * adds none. Each flush seals the window; sealed entries never change again
 * (they may already be stored under their id), and those that fail to publish
 * wait for the next flush. While NATS is unreachable non-owner gated reads are
 * refused once the projection goes stale, so the buffer stops growing on its own.
 */
export class AccessLogRecorder implements AccessLogSink {
  /** The current window, in insertion order (oldest first). */
  private open = new Map<string, OpenEntry>();
  /** Sealed entries not yet published, oldest first. */
  private sealed: AccessLogEntry[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private readonly clock: () => Date;
  /** Dropped at the bound since the last report (reported once per flush, not once per read). */
  private dropped = { entries: 0, reads: 0 };

  constructor(
    private readonly bus: AccessLogBus,
    private readonly logger: Logger,
    private readonly options: { subgraph: string; flushMs: number; clock?: () => Date; maxBuffered?: number },
  ) {
    this.clock = options.clock ?? (() => new Date());
  }

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.options.flushMs);
    this.timer.unref();
  }

  record(read: AccessLogRead): void {
    const at = this.clock().toISOString();
    const key = aggregationKey(read);
    const entry = this.open.get(key);
    if (entry) {
      entry.fields.add(read.field);
      entry.count += 1;
      entry.lastAt = at;
      return;
    }
    this.open.set(key, { id: randomUUID(), read, fields: new Set([read.field]), count: 1, firstAt: at, lastAt: at });
    this.enforceBound();
  }

  /** Aggregated entries held: the open window and sealed entries waiting to be published. */
  pending(): number {
    return this.sealed.length + this.open.size;
  }

  /** Reads those entries stand for. */
  pendingReads(): number {
    let reads = 0;
    for (const entry of this.sealed) reads += entry.count;
    for (const entry of this.open.values()) reads += entry.count;
    return reads;
  }

  /** Seals the current window and publishes every sealed entry; entries that fail to publish stay, oldest first. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    this.reportDropped();
    this.seal();
    if (this.sealed.length === 0 || !this.bus.isConnected()) return;
    this.flushing = this.publishSealed().finally(() => (this.flushing = null));
    await this.flushing;
  }

  private seal(): void {
    if (this.open.size === 0) return;
    for (const { id, read, fields, count, firstAt, lastAt } of this.open.values()) {
      this.sealed.push({
        id,
        viewerKind: read.viewerKind,
        viewerId: read.viewerId,
        viewerOrgId: read.viewerOrgId,
        subjectUserId: read.subjectUserId,
        purpose: read.purpose,
        subgraph: this.options.subgraph,
        fields: [...fields].sort(),
        count,
        firstAt,
        lastAt,
      });
    }
    this.open = new Map();
  }

  private async publishSealed(): Promise<void> {
    const batch = this.sealed;
    this.sealed = [];
    for (let start = 0; start < batch.length; start += MAX_PER_EVENT) {
      const entries = batch.slice(start, start + MAX_PER_EVENT);
      try {
        await this.bus.publish(privacyEvents.accessRecorded.create({ entries }));
      } catch (error) {
        // Entries sealed meanwhile are newer: the unpublished ones go back in front of them.
        this.sealed = [...batch.slice(start), ...this.sealed];
        this.enforceBound();
        this.logger.warn({ err: error, pending: this.sealed.length }, 'could not publish access log; will retry');
        return;
      }
    }
  }

  /** Drops the oldest entries (sealed first, then the oldest of the open window) beyond the bound. */
  private enforceBound(): void {
    const max = this.options.maxBuffered ?? MAX_BUFFERED;
    let excess = this.pending() - max;
    if (excess <= 0) return;
    const fromSealed = this.sealed.splice(0, Math.min(excess, this.sealed.length));
    for (const entry of fromSealed) this.dropped.reads += entry.count;
    this.dropped.entries += fromSealed.length;
    excess -= fromSealed.length;
    for (const [key, entry] of this.open) {
      if (excess <= 0) break;
      this.open.delete(key);
      this.dropped.reads += entry.count;
      this.dropped.entries += 1;
      excess -= 1;
    }
  }

  private reportDropped(): void {
    if (this.dropped.entries === 0) return;
    this.logger.error({ droppedEntries: this.dropped.entries, droppedReads: this.dropped.reads }, 'access log buffer full; dropped the oldest entries');
    this.dropped = { entries: 0, reads: 0 };
  }

  /** Stops the timer and publishes whatever is left (clean shutdown). */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
    this.reportDropped();
    if (this.pending() > 0) this.logger.error({ lostEntries: this.pending(), lostReads: this.pendingReads() }, 'access log entries could not be published before shutdown');
  }
}

import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { EventBus } from '../events/eventBus';
import { createEvent } from '../events/eventEnvelope';
import type { Viewer } from '../viewer/viewer';
import type { ConsentPurpose } from './consentPurposes';

export const ACCESS_RECORDED_SUBJECT = 'privacy.v1.access.recorded';

/** One granted read of a gated field by someone other than its subject. */
export interface AccessLogEntry {
  id: string;
  viewerKind: Viewer['kind'];
  /** The user id, or for partners the API key id (else the organization id). */
  viewerId: string | null;
  viewerOrgId: string | null;
  subjectUserId: string;
  /** `Type.field` */
  field: string;
  purpose: ConsentPurpose;
  subgraph: string;
  at: string;
}

export interface AccessLogSink {
  record(entry: Omit<AccessLogEntry, 'id' | 'at' | 'subgraph'>): void;
}

/** Most entries held while NATS is unreachable; beyond it the oldest are dropped, loudly. */
const MAX_BUFFERED = 50_000;
const MAX_PER_EVENT = 500;

/**
 * Collects access-log entries on the request path (a push, nothing more) and
 * publishes them in batches off it. While NATS is unreachable the entries
 * wait; non-owner gated reads are refused once the projection goes stale, so
 * the buffer stops growing on its own.
 */
export class AccessLogRecorder implements AccessLogSink {
  private buffer: AccessLogEntry[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly bus: EventBus,
    private readonly logger: Logger,
    private readonly options: { subgraph: string; flushMs: number },
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.options.flushMs);
    this.timer.unref();
  }

  record(entry: Omit<AccessLogEntry, 'id' | 'at' | 'subgraph'>): void {
    this.buffer.push({ ...entry, id: randomUUID(), at: new Date().toISOString(), subgraph: this.options.subgraph });
    if (this.buffer.length > MAX_BUFFERED) {
      const dropped = this.buffer.splice(0, this.buffer.length - MAX_BUFFERED);
      this.logger.error({ dropped: dropped.length }, 'access log buffer full; dropped the oldest entries');
    }
  }

  pending(): number {
    return this.buffer.length;
  }

  /** Publishes what is buffered; entries that fail to publish go back to the front. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.buffer.length === 0 || !this.bus.isConnected()) return;
    this.flushing = this.publishBuffered().finally(() => (this.flushing = null));
    await this.flushing;
  }

  private async publishBuffered(): Promise<void> {
    const batch = this.buffer;
    this.buffer = [];
    for (let start = 0; start < batch.length; start += MAX_PER_EVENT) {
      const entries = batch.slice(start, start + MAX_PER_EVENT);
      try {
        await this.bus.publish(createEvent(ACCESS_RECORDED_SUBJECT, { entries }));
      } catch (error) {
        this.buffer = [...batch.slice(start), ...this.buffer];
        this.logger.warn({ err: error, pending: this.buffer.length }, 'could not publish access log; will retry');
        return;
      }
    }
  }

  /** Stops the timer and publishes whatever is left (clean shutdown). */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
    if (this.buffer.length > 0) this.logger.error({ lost: this.buffer.length }, 'access log entries could not be published before shutdown');
  }
}

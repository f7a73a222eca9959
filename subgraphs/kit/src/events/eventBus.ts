import {
  AckPolicy,
  DeliverPolicy,
  Events,
  RetentionPolicy,
  StorageType,
  headers as natsHeaders,
  nanos,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type NatsConnection,
} from 'nats';
import type { Logger } from 'pino';
import { connectNats, extractTraceContext, type NatsConnectOptions, runInRequestScope, SpanKind, traceHeaders, withSpan } from '@profile-graph/core';
import type { ServiceMetrics } from '../observability/serviceMetrics';
import { parseEvent, type EventEnvelope } from './eventEnvelope';
import { streamForSubject, streams, type StreamMaxAgeHours, type StreamName } from './streams';

/** What travels beside an event in NATS message headers: its trace context and the request that caused it. */
export interface EventMeta {
  traceparent?: string;
  tracestate?: string;
  requestId?: string;
}

export const REQUEST_ID_HEADER = 'x-request-id';

/** Where a delivered event sits: consumers that remove a message once it served its purpose need its sequence. */
export interface Delivery {
  stream: StreamName;
  seq: number;
}

export type EventHandler = (event: EventEnvelope, delivery: Delivery) => Promise<void>;

export interface ConsumeOptions {
  stream: StreamName;
  /** Durable name shared by all instances of a service: each event is handled once per service. */
  durable: string;
  filterSubjects?: string[];
  handler: EventHandler;
  /** `new` skips history, for consumers that only care about what happens from now on. */
  deliver?: 'all' | 'new' | 'last_per_subject';
}

/** Duplicate window: a republish of the same event id within it is dropped by JetStream. */
const DUPLICATE_WINDOW_MS = 5 * 60_000;

/**
 * NATS JetStream as the event bus between subgraphs. At-least-once: a handler
 * that throws gets the event again (after a delay), so handlers must be
 * idempotent.
 */
export class EventBus {
  private readonly consumers: ConsumerMessages[] = [];
  /** Set by close(): consumer loops ending after this are stopping, not failing. */
  private closing = false;
  private connected = true;
  private readonly reconnectListeners: (() => void)[] = [];
  private disconnectedSince: number | null = null;
  /** Set by the service that owns the bus; absent in tests that build a bare bus. */
  metrics?: ServiceMetrics;
  /** Names this bus's spans. */
  serviceName = 'event-bus';

  private constructor(
    readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly logger: Logger,
    private readonly streamReplicas: number,
    private readonly maxAgeHours: StreamMaxAgeHours,
  ) {
    void this.watchStatus();
  }

  static async connect(
    options: Omit<NatsConnectOptions, 'name'> & { name: string; logger: Logger; streamReplicas?: number; streamMaxAgeHours?: StreamMaxAgeHours },
  ): Promise<EventBus> {
    const nc = await connectNats(options);
    const jsm = await nc.jetstreamManager({ timeout: options.timeoutMs });
    return new EventBus(nc, nc.jetstream(), jsm, options.logger, options.streamReplicas ?? 1, options.streamMaxAgeHours ?? {});
  }

  private async watchStatus(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === Events.Disconnect) {
        this.connected = false;
        this.disconnectedSince ??= Date.now();
        this.metrics?.natsConnected.set(0);
        this.logger.warn('NATS disconnected');
      } else if (status.type === Events.Reconnect) {
        this.connected = true;
        this.disconnectedSince = null;
        this.metrics?.natsConnected.set(1);
        this.logger.info('NATS reconnected');
        for (const listener of this.reconnectListeners) listener();
      }
    }
  }

  /** Runs `listener` after every reconnect (e.g. to publish what queued up while NATS was away). */
  onReconnect(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }

  isConnected(): boolean {
    return this.connected && !this.nc.isClosed();
  }

  /** Milliseconds since the connection was lost, or 0 while connected. */
  disconnectedForMs(): number {
    return this.disconnectedSince === null ? 0 : Date.now() - this.disconnectedSince;
  }

  /**
   * Creates the streams this service owns. Never updates one: a service may
   * create its stream but not rewrite its config (subjects, sources,
   * republish), which is the operator's (admin role's) job; a config that
   * differs from ours is reported and left alone.
   */
  async ensureStreams(names: StreamName[]): Promise<void> {
    for (const name of names) {
      const wanted = this.streamConfig(name);
      try {
        await this.jsm.streams.add(wanted);
      } catch (error) {
        if (!/already in use/i.test(String((error as Error).message))) throw error;
        // Named, so an operator sees that a retention setting has not reached the stream yet.
        const { config } = await this.jsm.streams.info(name).catch(() => ({ config: null }));
        const maxAgeHours = config ? config.max_age / 3_600e9 : undefined;
        this.logger.warn(
          { stream: name, ...(config && config.max_age !== wanted.max_age ? { maxAgeHours, wantedMaxAgeHours: wanted.max_age / 3_600e9 } : {}) },
          'stream exists with another configuration; an operator updates it (admin role: provisionStreams)',
        );
      }
    }
  }

  /** Creates or updates streams to our config: for the admin role (operator tools, test setup) only. */
  async provisionStreams(names: StreamName[]): Promise<void> {
    for (const name of names) {
      try {
        await this.jsm.streams.info(name);
        await this.jsm.streams.update(name, this.streamConfig(name));
      } catch (error) {
        if (!String((error as Error).message).includes('stream not found')) throw error;
        await this.jsm.streams.add(this.streamConfig(name));
      }
    }
  }

  /** Waits until other services' streams exist (their owners create them), so services can start in any order. */
  async awaitStreams(names: StreamName[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const name of names) {
      for (;;) {
        try {
          await this.jsm.streams.info(name);
          break;
        } catch (error) {
          if (!String((error as Error).message).includes('stream not found')) throw error;
          if (Date.now() > deadline) throw new Error(`stream ${name} does not exist: start the service that owns it (see scripts/lib/natsPermissions.js)`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    }
  }

  private streamConfig(name: StreamName) {
    const { subjects, maxMsgsPerSubject, maxAgeHours } = streams[name];
    const hours = this.maxAgeHours[name] ?? maxAgeHours;
    return {
      name,
      subjects: [...subjects],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      max_msgs_per_subject: maxMsgsPerSubject,
      // Nanoseconds; 0 is no limit (CONSENT_STATE only: it is the snapshot).
      max_age: nanos(hours * 3_600_000),
      duplicate_window: nanos(DUPLICATE_WINDOW_MS),
      num_replicas: this.streamReplicas,
    };
  }

  /**
   * Publishes with the envelope id as message id (JetStream drops duplicates)
   * and, in headers, the trace context (a producer span, child of the request
   * that wrote the event when `meta` carries it) and the request id.
   */
  async publish(event: EventEnvelope, meta: EventMeta = {}): Promise<void> {
    const parent = meta.traceparent ? extractTraceContext({ traceparent: meta.traceparent, tracestate: meta.tracestate }) : undefined;
    await withSpan(this.serviceName, `publish ${event.type.split('.').slice(0, 4).join('.')}`, { kind: SpanKind.PRODUCER, parent }, async () => {
      await this.publishRaw(event.type, event, event.id, { ...traceHeaders(), ...(meta.requestId ? { [REQUEST_ID_HEADER]: meta.requestId } : {}) });
    });
    this.metrics?.eventsPublished.inc({ stream: streamLabel(event.type) });
  }

  async publishRaw(subject: string, payload: unknown, msgID: string, headers: Record<string, string> = {}): Promise<void> {
    const entries = Object.entries(headers);
    let h: ReturnType<typeof natsHeaders> | undefined;
    if (entries.length > 0) {
      h = natsHeaders();
      for (const [key, value] of entries) h.set(key, value);
    }
    await this.js.publish(subject, Buffer.from(JSON.stringify(payload)), { msgID, ...(h ? { headers: h } : {}) });
  }

  async consume(options: ConsumeOptions): Promise<void> {
    const deliver_policy =
      options.deliver === 'new' ? DeliverPolicy.New : options.deliver === 'last_per_subject' ? DeliverPolicy.LastPerSubject : DeliverPolicy.All;
    await this.jsm.consumers.add(options.stream, {
      durable_name: options.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy,
      ack_wait: nanos(30_000),
      // One filter goes in the API subject, where the server's permissions check it too.
      ...(options.filterSubjects?.length === 1 ? { filter_subject: options.filterSubjects[0] } : options.filterSubjects ? { filter_subjects: options.filterSubjects } : {}),
    });
    const consumer = await this.js.consumers.get(options.stream, options.durable);
    const messages = await consumer.consume({ max_messages: 256 });
    this.consumers.push(messages);
    void (async () => {
      for await (const message of messages) {
        let event: EventEnvelope;
        try {
          event = parseEvent(message.data);
          // Consumers act on event.type; only the subject is vouched for by the publisher's permissions.
          if (event.type !== message.subject) throw new Error('type is not the subject');
        } catch {
          // A message that is not an envelope will never become one: drop it loudly.
          this.logger.error({ subject: message.subject, seq: message.seq }, 'dropping malformed event');
          this.metrics?.eventsHandled.inc({ durable: options.durable, outcome: 'dropped' });
          message.term();
          continue;
        }
        const carrier: Record<string, string> = {};
        for (const key of message.headers?.keys() ?? []) carrier[key.toLowerCase()] = message.headers!.get(key);
        this.metrics?.consumerPending.set({ durable: options.durable }, message.info.pending);
        try {
          await withSpan(
            this.serviceName,
            `consume ${options.durable}`,
            { kind: SpanKind.CONSUMER, parent: extractTraceContext(carrier), attributes: { 'messaging.destination': message.subject, 'event.id': event.id } },
            () =>
              runInRequestScope({ requestId: carrier[REQUEST_ID_HEADER] ?? event.id }, () =>
                options.handler(event, { stream: options.stream, seq: message.info.streamSequence }),
              ),
          );
          message.ack();
          this.metrics?.eventsHandled.inc({ durable: options.durable, outcome: 'ok' });
          const occurred = Date.parse(event.occurredAt);
          if (Number.isFinite(occurred)) this.metrics?.eventLag.observe({ durable: options.durable }, Math.max(0, Date.now() - occurred) / 1000);
        } catch (error) {
          this.logger.error({ err: error, eventId: event.id, type: event.type }, 'event handler failed; will retry');
          this.metrics?.eventsHandled.inc({ durable: options.durable, outcome: 'retry' });
          message.nak(1_000);
        }
      }
    })().catch((error: unknown) => {
      // Closing the connection ends the iterator (and an ack in flight) with CONNECTION_CLOSED: that is the
      // consumer stopping, not a fault. Anything else is logged; it must never surface as an unhandled rejection.
      if (this.closing || this.nc.isClosed()) return;
      this.logger.error({ err: error, durable: options.durable }, 'event consumer stopped');
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const messages of this.consumers) messages.stop();
    if (!this.nc.isClosed()) await this.nc.drain().catch(() => this.nc.close());
  }
}

function streamLabel(subject: string): string {
  try {
    return streamForSubject(subject);
  } catch {
    return 'none';
  }
}

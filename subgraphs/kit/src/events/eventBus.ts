import {
  AckPolicy,
  DeliverPolicy,
  Events,
  RetentionPolicy,
  StorageType,
  headers as natsHeaders,
  nanos,
  type ConsumerMessages,
  type JsMsg,
  type JetStreamClient,
  type JetStreamManager,
  type NatsConnection,
} from 'nats';
import type { Logger } from 'pino';
import { connectNats, extractTraceContext, type NatsConnectOptions, runInRequestScope, SpanKind, traceHeaders, withSpan } from '@profile-graph/core';
import type { ServiceMetrics } from '../observability/serviceMetrics';
import { eventDefinitionOf, issuePaths, type EventDefinition, type EventOf } from './catalog';
import { deadLetterSubject, errorLabel, type DeadLetterReason, type DeadLetterRecord } from './deadLetter';
import { DEFAULT_DELIVERY_POLICY, retryDelayMs, UNLIMITED, type DeliveryPolicy } from './deliveryPolicy';
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

interface ConsumeBase {
  stream: StreamName;
  /** Durable name shared by all instances of a service: each event is handled once per service. */
  durable: string;
  /** `new` skips history, for consumers that only care about what happens from now on. */
  deliver?: 'all' | 'new' | 'last_per_subject';
  /** Deliveries before the dead letter (the bus's EVENT_MAX_DELIVER by default); `unlimited` never gives up. */
  maxDeliver?: number | typeof UNLIMITED;
}

/** A consumer of catalog events: the bus parses each payload with its definition's schema before the handler runs. */
export interface CatalogConsumeOptions<D extends EventDefinition = EventDefinition> extends ConsumeBase {
  events: readonly D[];
  // Method syntax: a consumer of some definitions is a consumer (parameters compare bivariantly).
  handler(event: EventOf<D>, delivery: Delivery): Promise<void>;
}

/** A consumer of raw envelopes (tests, tools): only the envelope is checked, `data` is the handler's to read. */
export interface RawConsumeOptions extends ConsumeBase {
  events?: undefined;
  filterSubjects?: string[];
  handler: EventHandler;
}

export type ConsumeOptions = CatalogConsumeOptions | RawConsumeOptions;

/** A catalog consumer, typed: `handler` gets the union of the named events, each with its parsed `data`. */
export function defineConsumer<const D extends readonly EventDefinition[]>(
  options: ConsumeBase & { events: D; handler: (event: EventOf<D[number]>, delivery: Delivery) => Promise<void> },
): CatalogConsumeOptions {
  return options as unknown as CatalogConsumeOptions;
}

/** Duplicate window: a republish of the same event id within it is dropped by JetStream. */
const DUPLICATE_WINDOW_MS = 5 * 60_000;

/**
 * NATS JetStream as the event bus between subgraphs. At-least-once: a handler
 * that throws gets the event again, after the delivery policy's backoff and up
 * to its max_deliver, then the event goes to the service's dead letter
 * (deadLetter.ts); so handlers must be idempotent.
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
  /** Names this bus's spans, and its dead letter (`deadletter.<serviceName>.<durable>`, deadLetter.ts). */
  serviceName = 'event-bus';

  private constructor(
    readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly logger: Logger,
    private readonly streamReplicas: number,
    private readonly maxAgeHours: StreamMaxAgeHours,
    private readonly delivery: DeliveryPolicy,
  ) {
    void this.watchStatus();
  }

  static async connect(
    options: Omit<NatsConnectOptions, 'name'> & { name: string; logger: Logger; streamReplicas?: number; streamMaxAgeHours?: StreamMaxAgeHours; delivery?: DeliveryPolicy },
  ): Promise<EventBus> {
    const nc = await connectNats(options);
    const jsm = await nc.jetstreamManager({ timeout: options.timeoutMs });
    return new EventBus(nc, nc.jetstream(), jsm, options.logger, options.streamReplicas ?? 1, options.streamMaxAgeHours ?? {}, options.delivery ?? DEFAULT_DELIVERY_POLICY);
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
    const definitions = options.events;
    const filterSubjects = definitions ? [...new Set(definitions.map((definition) => definition.subject))] : options.filterSubjects;
    const maxDeliver = options.maxDeliver === UNLIMITED ? -1 : (options.maxDeliver ?? this.delivery.maxDeliver);
    await this.jsm.consumers.add(options.stream, {
      durable_name: options.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy,
      ack_wait: nanos(30_000),
      // The server's limit too, so a handler that crashes the process is not redelivered forever. The backoff is
      // the nak's delay (retryDelayMs), not the consumer's `backoff`, which would replace ack_wait with its first
      // step and redeliver a handler still working after a second (an erasure step takes longer).
      max_deliver: maxDeliver,
      // One filter goes in the API subject, where the server's permissions check it too.
      ...(filterSubjects?.length === 1 ? { filter_subject: filterSubjects[0] } : filterSubjects ? { filter_subjects: filterSubjects } : {}),
    });
    const consumer = await this.js.consumers.get(options.stream, options.durable);
    const messages = await consumer.consume({ max_messages: 256 });
    this.consumers.push(messages);
    const where = (message: JsMsg) => ({ stream: options.stream, durable: options.durable, seq: message.info.streamSequence, deliveries: message.info.deliveryCount });
    void (async () => {
      for await (const message of messages) {
        let event: EventEnvelope;
        try {
          event = parseEvent(message.data);
          // Consumers act on event.type; only the subject is vouched for by the publisher's permissions.
          if (event.type !== message.subject) throw new Error('type is not the subject');
        } catch {
          // A message that is not an envelope will never become one: drop it loudly, and leave its reference.
          this.logger.error(where(message), 'dropping malformed event');
          this.metrics?.eventsHandled.inc({ durable: options.durable, outcome: 'dropped' });
          await this.deadLetter(options, message, { reason: 'malformed_envelope', type: 'unknown' });
          message.term();
          continue;
        }
        const definition = definitions ? definitions.find((candidate) => candidate.matches(event.type)) : eventDefinitionOf(event.type);
        // Labels and records name the catalog's type (a family's pattern), never a subject that can hold a user id.
        const type = definition?.subject ?? 'unknown';
        if (definitions) {
          const parsed = definition?.schema.safeParse(event.data);
          if (!parsed?.success) {
            // Poison: the same payload fails the same way on every delivery, so it is not retried.
            const issues = parsed ? issuePaths(parsed.error) : [];
            const reason = parsed ? 'invalid_payload' : 'unknown_type';
            this.logger.error({ ...where(message), type, reason, issues }, 'event does not fit its catalog schema: dead-lettered without running the handler');
            this.metrics?.eventsHandled.inc({ durable: options.durable, outcome: 'dead_lettered' });
            if (await this.deadLetter(options, message, { reason, type, eventId: event.id, issues })) message.term();
            else message.nak(retryDelayMs(this.delivery, message.info.deliveryCount));
            continue;
          }
          event = { ...event, data: parsed.data };
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
                (options.handler as EventHandler)(event, { stream: options.stream, seq: message.info.streamSequence }),
              ),
          );
          message.ack();
          this.metrics?.eventsHandled.inc({ durable: options.durable, outcome: 'ok' });
          const occurred = Date.parse(event.occurredAt);
          if (Number.isFinite(occurred)) this.metrics?.eventLag.observe({ durable: options.durable }, Math.max(0, Date.now() - occurred) / 1000);
        } catch (error) {
          const deliveries = message.info.deliveryCount;
          if (maxDeliver > 0 && deliveries >= maxDeliver) {
            this.logger.error({ ...where(message), type, eventId: event.id, error: errorLabel(error) }, 'event handler failed on its last delivery: dead-lettered');
            this.metrics?.eventsHandled.inc({ durable: options.durable, outcome: 'dead_lettered' });
            if (await this.deadLetter(options, message, { reason: 'handler_failed', type, eventId: event.id, error: errorLabel(error) })) message.term();
            continue;
          }
          this.logger.error({ err: error, eventId: event.id, type: event.type, deliveries }, 'event handler failed; will retry');
          this.metrics?.eventsHandled.inc({ durable: options.durable, outcome: 'retry' });
          message.nak(retryDelayMs(this.delivery, deliveries));
        }
      }
    })().catch((error: unknown) => {
      // Closing the connection ends the iterator (and an ack in flight) with CONNECTION_CLOSED: that is the
      // consumer stopping, not a fault. Anything else is logged; it must never surface as an unhandled rejection.
      if (this.closing || this.nc.isClosed()) return;
      this.logger.error({ err: error, durable: options.durable }, 'event consumer stopped');
    });
  }

  /**
   * Puts a reference to `message` on this service's dead letter (deadLetter.ts) and counts it; false when that
   * failed (logged), so the caller leaves the message to be delivered again rather than lose track of it.
   */
  private async deadLetter(
    options: ConsumeBase,
    message: JsMsg,
    details: { reason: DeadLetterReason; type: string; eventId?: string; issues?: string[]; error?: string },
  ): Promise<boolean> {
    const record: DeadLetterRecord = {
      service: this.serviceName,
      durable: options.durable,
      stream: options.stream,
      streamSequence: message.info.streamSequence,
      deliveries: message.info.deliveryCount,
      deadLetteredAt: new Date().toISOString(),
      ...details,
    };
    try {
      // One record per (durable, message): a repeat after a lost ack is dropped by the duplicate window.
      await this.js.publish(deadLetterSubject(this.serviceName, options.durable), Buffer.from(JSON.stringify(record)), {
        msgID: `${options.stream}:${record.streamSequence}:${options.durable}`,
      });
    } catch (error) {
      this.logger.error({ stream: options.stream, durable: options.durable, seq: record.streamSequence, error: errorLabel(error) }, 'could not write the dead letter; the event stays unacknowledged');
      return false;
    }
    this.metrics?.eventsDeadLettered.inc({ stream: options.stream, durable: options.durable, type: details.type, reason: details.reason });
    return true;
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

import {
  AckPolicy,
  DeliverPolicy,
  Events,
  RetentionPolicy,
  StorageType,
  connect,
  nanos,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type NatsConnection,
} from 'nats';
import type { Logger } from 'pino';
import { parseEvent, type EventEnvelope } from './eventEnvelope';
import { streams, type StreamName } from './streams';

export type EventHandler = (event: EventEnvelope) => Promise<void>;

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
  private connected = true;
  private disconnectedSince: number | null = null;

  private constructor(
    readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly logger: Logger,
    private readonly streamReplicas: number,
  ) {
    void this.watchStatus();
  }

  static async connect(options: { url: string; name: string; timeoutMs: number; logger: Logger; streamReplicas?: number }): Promise<EventBus> {
    let nc: NatsConnection;
    try {
      nc = await connect({
        // A comma-separated list reaches every node of a cluster.
        servers: options.url.split(','),
        name: options.name,
        timeout: options.timeoutMs,
        // Once up, never give up: a NATS restart must heal by itself.
        maxReconnectAttempts: -1,
        reconnectTimeWait: 250,
        waitOnFirstConnect: false,
      });
    } catch (cause) {
      throw new Error(`NATS at ${options.url} is unreachable (${(cause as Error).message})`, { cause });
    }
    const jsm = await nc.jetstreamManager({ timeout: options.timeoutMs });
    return new EventBus(nc, nc.jetstream(), jsm, options.logger, options.streamReplicas ?? 1);
  }

  private async watchStatus(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === Events.Disconnect) {
        this.connected = false;
        this.disconnectedSince ??= Date.now();
        this.logger.warn('NATS disconnected');
      } else if (status.type === Events.Reconnect) {
        this.connected = true;
        this.disconnectedSince = null;
        this.logger.info('NATS reconnected');
      }
    }
  }

  isConnected(): boolean {
    return this.connected && !this.nc.isClosed();
  }

  /** Milliseconds since the connection was lost, or 0 while connected. */
  disconnectedForMs(): number {
    return this.disconnectedSince === null ? 0 : Date.now() - this.disconnectedSince;
  }

  async ensureStreams(names: StreamName[]): Promise<void> {
    for (const name of names) {
      const { subjects, maxMsgsPerSubject } = streams[name];
      const config = {
        name,
        subjects: [...subjects],
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
        max_msgs_per_subject: maxMsgsPerSubject,
        duplicate_window: nanos(DUPLICATE_WINDOW_MS),
        num_replicas: this.streamReplicas,
      };
      try {
        await this.jsm.streams.info(name);
        await this.jsm.streams.update(name, config);
      } catch (error) {
        if (!String((error as Error).message).includes('stream not found')) throw error;
        await this.jsm.streams.add(config);
      }
    }
  }

  async publish(event: EventEnvelope): Promise<void> {
    await this.publishRaw(event.type, event, event.id);
  }

  async publishRaw(subject: string, payload: unknown, msgID: string): Promise<void> {
    await this.js.publish(subject, Buffer.from(JSON.stringify(payload)), { msgID });
  }

  async consume(options: ConsumeOptions): Promise<void> {
    const deliver_policy =
      options.deliver === 'new' ? DeliverPolicy.New : options.deliver === 'last_per_subject' ? DeliverPolicy.LastPerSubject : DeliverPolicy.All;
    await this.jsm.consumers.add(options.stream, {
      durable_name: options.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy,
      ack_wait: nanos(30_000),
      ...(options.filterSubjects ? { filter_subjects: options.filterSubjects } : {}),
    });
    const consumer = await this.js.consumers.get(options.stream, options.durable);
    const messages = await consumer.consume({ max_messages: 256 });
    this.consumers.push(messages);
    void (async () => {
      for await (const message of messages) {
        let event: EventEnvelope;
        try {
          event = parseEvent(message.data);
        } catch {
          // A message that is not an envelope will never become one: drop it loudly.
          this.logger.error({ subject: message.subject, seq: message.seq }, 'dropping malformed event');
          message.term();
          continue;
        }
        try {
          await options.handler(event);
          message.ack();
        } catch (error) {
          this.logger.error({ err: error, eventId: event.id, type: event.type }, 'event handler failed; will retry');
          message.nak(1_000);
        }
      }
    })();
  }

  async close(): Promise<void> {
    for (const messages of this.consumers) messages.stop();
    if (!this.nc.isClosed()) await this.nc.drain().catch(() => this.nc.close());
  }
}

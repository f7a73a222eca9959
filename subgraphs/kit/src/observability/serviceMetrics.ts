import { BaseMetrics } from '@profile-graph/core';
import { Counter, Gauge, Histogram, Summary } from 'prom-client';

/** Seconds between an event's occurrence and its handling; the outbox poll and NATS outages make the tail long. */
const LAG_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300];

/**
 * A subgraph's metrics: core's BaseMetrics (HTTP, GraphQL errors, hooks,
 * process) plus what only a subgraph moves: consent denials and propagation,
 * events published and handled, consumer lag and NATS connectivity.
 */
export class ServiceMetrics extends BaseMetrics {
  readonly consentDenials: Counter<'purpose' | 'code'>;
  readonly eventsPublished: Counter<'stream'>;
  readonly eventsHandled: Counter<'durable' | 'outcome'>;
  readonly eventsDeadLettered: Counter<'stream' | 'durable' | 'type' | 'reason'>;
  readonly eventLag: Histogram<'durable'>;
  readonly consumerPending: Gauge<'durable'>;
  readonly natsConnected: Gauge;
  readonly consentPropagation: Summary;
  readonly consentProjectionPendingWrites: Gauge;
  /** Where the pending-writes gauge reads from when scraped (the service's consent projection, once it exists). */
  consentProjectionBacklog: () => number = () => 0;

  constructor(service: string, options: { processMetrics?: boolean } = {}) {
    super(service, options);
    const registers = [this.registry];
    this.consentDenials = new Counter({
      name: 'consent_denials_total',
      help: 'Gated field reads refused, by purpose and code (CONSENT_REQUIRED or CONSENT_UNAVAILABLE)',
      labelNames: ['purpose', 'code'],
      registers,
    });
    this.eventsPublished = new Counter({ name: 'events_published_total', help: 'Events published to JetStream, by stream', labelNames: ['stream'], registers });
    this.eventsHandled = new Counter({
      name: 'events_handled_total',
      help: 'Events handled by durable consumers, by outcome (ok, retry, dropped, dead_lettered)',
      labelNames: ['durable', 'outcome'],
      registers,
    });
    this.eventsDeadLettered = new Counter({
      name: 'events_dead_lettered_total',
      help: "Events a durable consumer gave up on and put on its service's dead letter, by stream, durable, catalog type and reason",
      labelNames: ['stream', 'durable', 'type', 'reason'],
      registers,
    });
    this.eventLag = new Histogram({
      name: 'event_consumer_lag_seconds',
      help: 'Time from an event occurring to its handling, by durable consumer',
      labelNames: ['durable'],
      buckets: LAG_BUCKETS,
      registers,
    });
    this.consumerPending = new Gauge({
      name: 'event_consumer_pending',
      help: 'Messages waiting for this durable consumer, as JetStream last reported',
      labelNames: ['durable'],
      registers,
    });
    this.natsConnected = new Gauge({ name: 'nats_connected', help: '1 while connected to NATS', registers });
    // A summary, not a histogram: the question is this instance's p99 against a tens-of-milliseconds
    // objective, which fixed buckets would blur; the last 10 minutes, in 5 rotating windows.
    this.consentPropagation = new Summary({
      name: 'consent_propagation_seconds',
      help: 'Time from a consent decision being recorded (its updatedAt) to this instance enforcing it; live changes only, not the replay at start',
      percentiles: [0.5, 0.9, 0.99],
      maxAgeSeconds: 600,
      ageBuckets: 5,
      registers,
    });
    this.consentProjectionPendingWrites = new Gauge({
      name: 'consent_projection_pending_writes',
      help: 'Consent states enforced from memory and not yet written to the local projection collection (at most one per user and purpose)',
      registers,
      // Read when scraped: a backlog here means the database is slower than the rate of consent decisions.
      collect: () => this.consentProjectionPendingWrites.set(this.consentProjectionBacklog()),
    });
  }
}

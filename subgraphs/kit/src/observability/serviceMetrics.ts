import { Counter, Gauge, Histogram, Registry, Summary, collectDefaultMetrics } from 'prom-client';

/** Seconds; spans a cached field read (ms) to a slow cross-subgraph plan (s). */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Seconds between an event's occurrence and its handling; the outbox poll and NATS outages make the tail long. */
const LAG_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300];

/**
 * One Prometheus registry per service instance (tests run several in one
 * process, so nothing goes in prom-client's global registry). Labels are
 * bounded sets only: routes, codes, purposes, durable names, stream names,
 * never user ids or raw subjects.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'route' | 'status'>;
  readonly httpDuration: Histogram<'route'>;
  readonly graphqlErrors: Counter<'code'>;
  readonly consentDenials: Counter<'purpose' | 'code'>;
  readonly eventsPublished: Counter<'stream'>;
  readonly eventsHandled: Counter<'durable' | 'outcome'>;
  readonly eventsDeadLettered: Counter<'stream' | 'durable' | 'type' | 'reason'>;
  readonly eventLag: Histogram<'durable'>;
  readonly consumerPending: Gauge<'durable'>;
  readonly natsConnected: Gauge;
  readonly consentPropagation: Summary;
  readonly hookErrors: Counter<'hook'>;
  readonly processFaults: Counter<'kind'>;

  constructor(service: string, options: { processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.registry.setDefaultLabels({ service });
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    this.httpRequests = new Counter({ name: 'http_requests_total', help: 'HTTP requests by route and status', labelNames: ['route', 'status'], registers });
    this.httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency by route',
      labelNames: ['route'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.graphqlErrors = new Counter({ name: 'graphql_errors_total', help: 'GraphQL errors returned to callers, by extensions.code', labelNames: ['code'], registers });
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
    this.hookErrors = new Counter({
      name: 'hook_errors_total',
      help: 'Errors thrown inside metrics, tracing or logging hooks and contained there, by hook',
      labelNames: ['hook'],
      registers,
    });
    this.processFaults = new Counter({
      name: 'process_faults_total',
      help: 'Unhandled rejections and uncaught exceptions this process survived, by kind',
      labelNames: ['kind'],
      registers,
    });
  }

  /** Prometheus text exposition. */
  /** A gauge a subgraph computes when scraped (from its database, say), so it is never stale. */
  collectedGauge<L extends string>(name: string, help: string, labelNames: L[], collect: (set: (labels: Record<L, string>, value: number) => void) => Promise<void>): Gauge<L> {
    return new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        await collect((labels, value) => this.set(labels as never, value));
      },
    });
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** Counts the `extensions.code` of each error in a GraphQL response body. */
  countErrors(errors: readonly { extensions?: { code?: unknown } }[] | undefined): void {
    for (const error of errors ?? []) this.graphqlErrors.inc({ code: typeof error.extensions?.code === 'string' ? error.extensions.code : 'UNKNOWN' });
  }
}

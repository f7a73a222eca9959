import { Counter, Histogram, Registry, Gauge, collectDefaultMetrics } from 'prom-client';

/** Seconds; spans a cached field read (ms) to a slow cross-subgraph plan (s). */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The metrics every service has, gateway and subgraphs alike: HTTP requests,
 * GraphQL errors by code, contained hook errors, survived process faults and
 * (optionally) the process's own. What only a subgraph measures (consent
 * denials, events, NATS) lives in the kit's ServiceMetrics, so a gateway's
 * /metrics never shows series it cannot move.
 *
 * One Prometheus registry per service instance (tests run several in one
 * process, so nothing goes in prom-client's global registry). Labels are
 * bounded sets only: routes, codes, purposes, durable names, stream names,
 * never user ids or raw subjects.
 */
export class BaseMetrics {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'route' | 'status'>;
  readonly httpDuration: Histogram<'route'>;
  readonly graphqlErrors: Counter<'code'>;
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

  /** A gauge a service computes when scraped (from its database, say), so it is never stale. */
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

  /** Prometheus text exposition. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** Counts the `extensions.code` of each error in a GraphQL response body. */
  countErrors(errors: readonly { extensions?: { code?: unknown } }[] | undefined): void {
    for (const error of errors ?? []) this.graphqlErrors.inc({ code: typeof error.extensions?.code === 'string' ? error.extensions.code : 'UNKNOWN' });
  }
}

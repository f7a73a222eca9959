import { Counter, Gauge, Histogram } from 'prom-client';
import { ServiceMetrics } from '@profile-graph/kit';

/** The kit's service metrics plus what only a gateway sees: each subgraph call. */
export class GatewayMetrics extends ServiceMetrics {
  readonly upstreamDuration: Histogram<'subgraph'>;
  readonly upstreamErrors: Counter<'subgraph' | 'code'>;
  readonly natsRefused: Counter<'subject'>;
  readonly subscriptionsOpen: Gauge;

  constructor() {
    super('gateway');
    const registers = [this.registry];
    this.upstreamDuration = new Histogram({
      name: 'upstream_request_duration_seconds',
      help: 'Subgraph call latency, by subgraph',
      labelNames: ['subgraph'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.upstreamErrors = new Counter({
      name: 'upstream_errors_total',
      help: 'Subgraph calls that failed (unreachable, timed out, or 5xx), by subgraph and code',
      labelNames: ['subgraph', 'code'],
      registers,
    });
    this.natsRefused = new Counter({
      name: 'nats_messages_refused_total',
      help: 'Replies and events from NATS that did not fit their schema and were not acted on, by subject',
      labelNames: ['subject'],
      registers,
    });
    this.subscriptionsOpen = new Gauge({ name: 'subscriptions_open', help: 'Open subscriptions (SSE and WebSocket)', registers });
  }
}

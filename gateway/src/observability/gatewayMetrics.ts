import cluster from 'node:cluster';
import { Counter, Gauge, Histogram } from 'prom-client';
import { BaseMetrics } from '@profile-graph/core';

/**
 * Core's base metrics (HTTP, GraphQL errors, hooks, process) plus what only a
 * gateway sees: each subgraph call, NATS replies refused, subscriptions,
 * partners, reloads, revocations, rate-limit fallbacks. Not the subgraphs'
 * ServiceMetrics: the gateway moves no consent_*, events_* or nats_connected.
 */
export class GatewayMetrics extends BaseMetrics {
  readonly upstreamDuration: Histogram<'subgraph'>;
  readonly upstreamErrors: Counter<'subgraph' | 'code'>;
  readonly natsRefused: Counter<'subject'>;
  readonly subscriptionsOpen: Gauge;
  readonly partnerOperations: Counter<'organization' | 'operation'>;
  readonly supergraphReloads: Counter<'outcome'>;
  readonly revocationsCurrent: Gauge;
  readonly revocationsHeld: Gauge;
  readonly rateLimitFallbacks: Counter<'reason'>;
  /** Which worker process answered this scrape (GATEWAY_WORKERS > 1 share one port; each has its own registry). */
  readonly worker: Gauge<'worker'>;
  private revocationState: (() => { current: boolean; entries: number }) | undefined;

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
    this.worker = new Gauge({ name: 'gateway_worker', help: 'Always 1, labelled with the id of the worker process that answered (1 without GATEWAY_WORKERS)', labelNames: ['worker'], registers });
    this.worker.set({ worker: String(cluster.worker?.id ?? 1) }, 1);
    this.subscriptionsOpen = new Gauge({ name: 'subscriptions_open', help: 'Open subscriptions (SSE and WebSocket)', registers });
    this.partnerOperations = new Counter({
      name: 'partner_operations_total',
      help: "Partner key requests by organization id and registered operation name ('unregistered' for others, allowed while the organization does not enforce trusted documents)",
      labelNames: ['organization', 'operation'],
      registers,
    });
    this.supergraphReloads = new Counter({
      name: 'supergraph_reloads_total',
      help: "Supergraph reloads (file change or SIGHUP) by outcome: 'ok', or 'failed' (the previous supergraph kept serving)",
      labelNames: ['outcome'],
      registers,
    });
    const state = () => this.revocationState?.();
    this.revocationsCurrent = new Gauge({
      name: 'revocations_current',
      help: '1 while the shared revocations are vouched for; 0 while user tokens and API keys are refused (NATS away or silent, bucket not yet read)',
      registers,
      collect() {
        this.set(state()?.current ? 1 : 0);
      },
    });
    this.revocationsHeld = new Gauge({
      name: 'revocations_held',
      help: 'Revoked sessions, API keys and erased users this gateway holds (from the revocations KV bucket)',
      registers,
      collect() {
        this.set(state()?.entries ?? 0);
      },
    });
    this.rateLimitFallbacks = new Counter({
      name: 'rate_limit_local_fallbacks_total',
      help: 'Rate-limit decisions taken on this replica\'s own bucket because the shared one (NATS KV) was unreachable or failing',
      labelNames: ['reason'],
      registers,
    });
  }

  /** Where the revocation gauges read their state (the gateway's NATS link, once connected). */
  observeRevocations(state: () => { current: boolean; entries: number }): void {
    this.revocationState = state;
  }
}

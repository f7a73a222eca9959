import { Counter } from 'prom-client';
import type { Logger } from 'pino';
import type { ServiceMetrics } from '../observability/serviceMetrics';

/** One kind of data and how long it is kept. */
export interface RetentionPolicy {
  /** e.g. job_search_activity, call_history, signaling_payloads, access_log. */
  kind: string;
  retentionMs: number;
  /** Removes what is older than `cutoff`; resolves with how many items went. */
  sweep(cutoff: Date, now: Date): Promise<number>;
}

export type RetentionReport = Record<string, number>;

const DAY_MS = 24 * 3600 * 1000;
export const daysToMs = (days: number) => days * DAY_MS;

/**
 * Applies a subgraph's retention policies on a timer. Each pass reports what
 * it removed per kind: a log line and `privacy_retention_removed_total{kind}`.
 * Every removal is a plain delete of old data, so several instances sweeping
 * at once only find less to do.
 */
export class RetentionSweep {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<RetentionReport> | null = null;
  private removedTotal: Counter<'kind'> | null = null;

  constructor(
    private readonly deps: { policies: RetentionPolicy[]; clock: () => Date; logger: Logger; intervalMs: number },
  ) {}

  /** Counts removals in this service's registry (served at /metrics). */
  attachMetrics(metrics: ServiceMetrics): void {
    const existing = metrics.registry.getSingleMetric('privacy_retention_removed_total') as Counter<'kind'> | undefined;
    this.removedTotal =
      existing ??
      new Counter({
        name: 'privacy_retention_removed_total',
        help: 'Items removed by retention sweeps, by data kind',
        labelNames: ['kind'],
        registers: [metrics.registry],
      });
    for (const policy of this.deps.policies) this.removedTotal.inc({ kind: policy.kind }, 0);
  }

  start(): void {
    const run = () => void this.runOnce().catch((error) => this.deps.logger.warn({ err: error }, 'retention sweep failed; will retry'));
    this.timer = setInterval(run, this.deps.intervalMs);
    this.timer.unref();
    run();
  }

  /** One pass at the clock's current time; resolves with how many items each policy removed. */
  runOnce(): Promise<RetentionReport> {
    this.running ??= this.pass().finally(() => (this.running = null));
    return this.running;
  }

  /** The schedule as published to users and operators. */
  describe(): { kind: string; retentionDays: number }[] {
    return this.deps.policies.map((policy) => ({ kind: policy.kind, retentionDays: policy.retentionMs / DAY_MS }));
  }

  private async pass(): Promise<RetentionReport> {
    const now = this.deps.clock();
    const report: RetentionReport = {};
    for (const policy of this.deps.policies) {
      const cutoff = new Date(now.getTime() - policy.retentionMs);
      const removed = await policy.sweep(cutoff, now);
      report[policy.kind] = removed;
      this.removedTotal?.inc({ kind: policy.kind }, removed);
      if (removed > 0) this.deps.logger.info({ kind: policy.kind, removed, cutoff: cutoff.toISOString() }, 'retention sweep removed expired data');
    }
    return report;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }
}

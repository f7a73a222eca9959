import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { ConsumeOptions, EventBus } from '../events/eventBus';
import type { OutboxRelay } from '../events/outbox';
import type { ServiceMetrics } from '../observability/serviceMetrics';
import { erasureHandler, type ErasureHandlerOptions } from '../privacy/erasureHandler';
import { ExportResponder, type ExportContributor } from '../privacy/exportResponder';
import { RetentionSweep, type RetentionPolicy } from '../privacy/retentionSweep';

/** What a subgraph declares of its privacy duties; the kit wires, starts and stops them (see PRIVACY.md). */
export interface PrivacyParts {
  /** This subgraph's section of a user's data export (answers rpc.<subgraph>.v1.privacy.export); none when it has nothing to add. */
  exportData?: ExportContributor;
  /** Erases or anonymizes a user's data here on an erasure request (the kit's erasureHandler consumes it). */
  erasure: Pick<ErasureHandlerOptions, 'erase' | 'completionEvents'>;
  /** What is kept how long, swept every intervalMs (and once at start). */
  retention: { intervalMs: number; policies: RetentionPolicy[] };
}

export interface WiredPrivacy {
  /** The erasure consumer, consumed with the subgraph's own. */
  erasureConsumer: ConsumeOptions;
  retention: RetentionSweep;
  start(): void;
  stop(): Promise<void>;
}

/** The one wiring of every subgraph's export, erasure and retention parts, in one order. */
export function wirePrivacyParts(
  parts: PrivacyParts,
  deps: { subgraph: string; db: Connection; relay: OutboxRelay; bus: EventBus; logger: Logger; clock: () => Date; metrics: ServiceMetrics },
): WiredPrivacy {
  const { subgraph, db, relay, bus, logger, clock, metrics } = deps;
  const exporter = parts.exportData ? new ExportResponder({ nc: bus.nc, subgraph, logger, contribute: parts.exportData }) : null;
  const erasureConsumer = erasureHandler({ subgraph, db, relay, bus, logger, clock, ...parts.erasure });
  const retention = new RetentionSweep({ clock, logger, intervalMs: parts.retention.intervalMs, policies: parts.retention.policies });
  return {
    erasureConsumer,
    retention,
    start() {
      exporter?.start();
      // Counted from the first pass on (the pass at start included).
      retention.attachMetrics(metrics);
      retention.start();
    },
    async stop() {
      exporter?.stop();
      await retention.stop();
    },
  };
}

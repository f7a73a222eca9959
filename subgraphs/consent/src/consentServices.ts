import type { EventBus, OutboxRelay, SubgraphContext } from '@profile-graph/kit';
import type { Connection } from 'mongoose';
import type { ConsentLedgerModel } from './models/consentLedgerModel';
import type { DataAccessModel } from './models/dataAccessModel';
import type { ConsentStateModel } from './models/consentStateModel';
import type { PrivacyProgressModel, PrivacyRequestModel } from './privacy/privacyRequestModels';
import type { ReceiptController } from './receipts/buildConsentReceipt';

export interface ConsentServices {
  states: ConsentStateModel;
  /** Insert-only: one document per decision. */
  ledger: ConsentLedgerModel;
  relay: OutboxRelay;
  accessLog: DataAccessModel;
  receiptController: ReceiptController;
  /** Erasure requests (the minimal record kept after an erasure) and each subgraph's completion reports. */
  privacyRequests: PrivacyRequestModel;
  privacyProgress: PrivacyProgressModel;
  /** NATS, to gather the other subgraphs' export sections. */
  nc: EventBus['nc'];
  exportTimeoutMs: number;
  db: Connection;
  /** How long a privacy request may stay open; due dates of requests stored without one are derived from it. */
  privacyRequestDueMs: number;
  clock: () => Date;
  /** RETENTION_ACCESS_LOG_DAYS, stated in the export. */
  accessLogRetentionDays: number;
}

/** What every resolver of this subgraph receives as its context. */
export type ConsentContext = SubgraphContext<ConsentServices>;

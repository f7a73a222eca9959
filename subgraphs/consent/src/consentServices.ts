import type { OutboxRelay } from '@profile-graph/kit';
import type { DataAccessModel } from './models/dataAccessModel';
import type { ConsentStateModel } from './models/consentStateModel';
import type { ReceiptController } from './receipts/buildConsentReceipt';

export interface ConsentServices {
  states: ConsentStateModel;
  relay: OutboxRelay;
  accessLog: DataAccessModel;
  receiptController: ReceiptController;
}

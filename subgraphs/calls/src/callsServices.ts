import type { OutboxRelay, SubgraphContext } from '@profile-graph/kit';
import type { Logger } from 'pino';
import type { CallsConfig } from './callsConfig';
import type { CallChangeModel } from './models/callChangeModel';
import type { CallModel } from './models/callModel';
import type { CallerVerificationModel } from './models/callerVerificationModel';
import type { CallPrivacyModel } from './models/callPrivacyModel';
import type { CallUserModel } from './models/callUserModel';
import type { SignalRelay } from './signals/signalRelay';

export interface CallsServices {
  calls: CallModel;
  changes: CallChangeModel;
  users: CallUserModel;
  privacy: CallPrivacyModel;
  verifications: CallerVerificationModel;
  relay: OutboxRelay;
  signals: SignalRelay;
  config: CallsConfig;
  logger: Logger;
  /** Now; injectable so tests can make calls ring out without waiting. */
  clock: () => Date;
  /** Settles once an empty projection was rebuilt from identity's snapshot (at once when it was not empty). */
  identityBootstrap?: Promise<void>;
}

/** What every resolver of this subgraph receives as its context. */
export type CallsContext = SubgraphContext<CallsServices>;

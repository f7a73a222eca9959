import type { OutboxRelay } from '@profile-graph/kit';
import type { CallModel } from './models/callModel';
import type { CallUserModel } from './models/callUserModel';

export interface CallsServices {
  calls: CallModel;
  users: CallUserModel;
  relay: OutboxRelay;
}

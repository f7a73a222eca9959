import type { OutboxRelay } from '@profile-graph/kit';
import type { ConsentStateModel } from './models/consentStateModel';

export interface ConsentServices {
  states: ConsentStateModel;
  relay: OutboxRelay;
}

import type { OutboxRelay } from '@profile-graph/kit';
import type { HiringProfileModel } from './models/hiringProfileModel';

export interface HiringServices {
  profiles: HiringProfileModel;
  relay: OutboxRelay;
}

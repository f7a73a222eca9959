import type { ConsentProjection, OutboxRelay, SubgraphContext } from '@profile-graph/kit';
import type { ActivityWithdrawalModel } from './models/activityWithdrawalModel';
import type { ApplicationModel } from './models/applicationModel';
import type { HiringProfileModel } from './models/hiringProfileModel';
import type { JobActivityModel } from './models/jobActivityModel';
import type { JobModel } from './models/jobModel';
import type { OrganizationProjectionModel } from './models/organizationProjectionModel';
import type { OpenJobsSnapshot } from './recommendations/openJobsSnapshot';
import type { Pseudonymizer } from './training/pseudonymizer';

export interface HiringServices {
  profiles: HiringProfileModel;
  jobs: JobModel;
  applications: ApplicationModel;
  activity: JobActivityModel;
  /** The newest withdrawal purged per user: activity writes check it after they insert. */
  withdrawals: ActivityWithdrawalModel;
  /** identity's organizations and members, from its events. */
  organizations: OrganizationProjectionModel;
  relay: OutboxRelay;
  /** Open jobs in memory for recommendations; invalidate() after writing a job. */
  openJobs: OpenJobsSnapshot;
  /** This instance's consent projection: write-time checks (activity, the version an application relied on). */
  consent: ConsentProjection;
  /** Keyed pseudonyms of user ids for the training feed. */
  pseudonyms: Pseudonymizer;
  /** Settles once an empty organization projection was rebuilt from identity's snapshot (at once when it was not empty). */
  identityBootstrap?: Promise<void>;
}

/** What every resolver of this subgraph receives as its context. */
export type HiringContext = SubgraphContext<HiringServices>;

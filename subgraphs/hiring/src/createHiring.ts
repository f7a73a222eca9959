import { createSubgraphService, erasureGuard, startSnapshotBootstrap, type SubgraphDefinition, type SubgraphService } from '@profile-graph/kit';
import { hiringRecipientRelations } from './auth/hiringRecipientRelations';
import { ownerOnly, restrictViewers } from './auth/restrictViewers';
import { bootstrapOrganizationsFromIdentity } from './consumers/bootstrapFromIdentity';
import { createProfileOnSignUp } from './consumers/createProfileOnSignUp';
import { projectOrganizations } from './consumers/projectOrganizations';
import { purgeActivityOnWithdrawal } from './consumers/purgeActivityOnWithdrawal';
import type { HiringConfig } from './hiringConfig';
import type { HiringServices } from './hiringServices';
import { applicationModel } from './models/applicationModel';
import { hiringProfileModel } from './models/hiringProfileModel';
import { activityWithdrawalModel } from './models/activityWithdrawalModel';
import { jobActivityModel } from './models/jobActivityModel';
import { jobModel } from './models/jobModel';
import { organizationProjectionModel } from './models/organizationProjectionModel';
import { eraseHiringData } from './privacy/eraseHiringData';
import { exportHiringData } from './privacy/exportHiringData';
import { hiringRetentionPolicies } from './privacy/hiringRetention';
import { activityResolvers } from './resolvers/activityResolvers';
import { applicationResolvers } from './resolvers/applicationResolvers';
import { candidateResolvers } from './resolvers/candidateResolvers';
import { hiringProfileResolvers } from './resolvers/hiringProfileResolvers';
import { jobResolvers } from './resolvers/jobResolvers';
import { OpenJobsSnapshot } from './recommendations/openJobsSnapshot';
import { recommendationResolvers } from './resolvers/recommendationResolvers';
import { developmentPseudonymKey, Pseudonymizer } from './training/pseudonymizer';
import { trainingResolvers } from './training/trainingResolvers';
import type { Resolvers } from './generated/resolvers';

export interface HiringOptions {
  /** Now; tests inject one to move time (retention sweep). */
  clock?: () => Date;
}

export type HiringService = SubgraphService<HiringServices>;

/** The hiring subgraph: profiles, jobs, applications, candidate search, recommendations. Tests start it on port 0. */
export async function createHiring(config: HiringConfig, options: HiringOptions = {}): Promise<HiringService> {
  const definition: SubgraphDefinition<HiringServices> = {
    name: 'hiring',
    streams: ['IDENTITY', 'HIRING', 'CONSENT'],
    ...(options.clock ? { clock: options.clock } : {}),
    setup: async ({ db, bus, relay, consent, logger }) => {
      // Models with an outbox are written through what the relay returns (serialized on FerretDB).
      const profiles = relay.track(hiringProfileModel(db));
      const jobs = relay.track(jobModel(db));
      const applications = relay.track(applicationModel(db));
      const activity = jobActivityModel(db);
      const withdrawals = activityWithdrawalModel(db);
      const organizations = organizationProjectionModel(db);
      const openJobs = new OpenJobsSnapshot(jobs, { maxAgeMs: config.OPEN_JOBS_MAX_AGE_MS, maxJobs: config.OPEN_JOBS_MAX });
      const pseudonyms = new Pseudonymizer(config.TRAINING_PSEUDONYM_KEY ?? developmentPseudonymKey());
      const services: HiringServices = { profiles, jobs, applications, activity, withdrawals, organizations, relay, consent, openJobs, pseudonyms };
      const resolvers: Resolvers = {
        Query: { ...candidateResolvers.Query, ...jobResolvers.Query, ...applicationResolvers.Query, ...trainingResolvers.Query },
        Mutation: { ...hiringProfileResolvers.Mutation, ...jobResolvers.Mutation, ...applicationResolvers.Mutation, ...activityResolvers.Mutation },
        User: { ...hiringProfileResolvers.User, ...activityResolvers.User, ...applicationResolvers.User, ...recommendationResolvers.User },
        HiringProfile: hiringProfileResolvers.HiringProfile,
        Job: jobResolvers.Job,
        Application: applicationResolvers.Application,
        CandidateCard: candidateResolvers.CandidateCard,
        JobActivity: activityResolvers.JobActivity,
      };
      // A fresh database cannot rely on the IDENTITY stream holding every organization's history (max_age).
      const bootstrap = startSnapshotBootstrap({
        name: 'hiring organizations',
        logger,
        isEmpty: async () => !(await organizations.exists({})),
        run: () => bootstrapOrganizationsFromIdentity({ nc: bus.nc, organizations, guard: erasureGuard(db), timeoutMs: config.STARTUP_TIMEOUT_MS }),
      });
      services.identityBootstrap = bootstrap.done;
      return {
        services,
        resolvers,
        consumers: [createProfileOnSignUp(profiles, erasureGuard(db)), projectOrganizations(organizations, erasureGuard(db)), purgeActivityOnWithdrawal(activity, withdrawals, consent)],
        privacy: {
          exportData: (userId) => exportHiringData({ ...services, db, jobSearchActivityDays: config.RETENTION_JOB_SEARCH_ACTIVITY_DAYS }, userId),
          erasure: { erase: (userId) => eraseHiringData(services, userId) },
          retention: {
            intervalMs: config.RETENTION_SWEEP_INTERVAL_MS,
            policies: hiringRetentionPolicies({ activity, jobSearchActivityDays: config.RETENTION_JOB_SEARCH_ACTIVITY_DAYS }),
          },
        },
        recipientRelations: hiringRecipientRelations({ applications, organizations }),
        onClose: async () => {
          bootstrap.stop();
        },
      };
    },
    // Gated fields (recommendations, ad interests) are not here: their purposes' recipient rules decide
    // who may read them, in the kit's one consent decision.
    schemaTransforms: [
      restrictViewers({
        'User.jobSearchActivity': ownerOnly,
        'User.jobApplications': ownerOnly,
      }),
    ],
  };
  return createSubgraphService(definition, config);
}

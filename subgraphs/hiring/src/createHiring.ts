import { createSubgraphService, type SubgraphDefinition, type SubgraphService } from '@profile-graph/kit';
import { ownerOnly, restrictViewers, serviceOnly } from './auth/restrictViewers';
import { createProfileOnSignUp } from './consumers/createProfileOnSignUp';
import { projectOrganizations } from './consumers/projectOrganizations';
import { purgeActivityOnWithdrawal } from './consumers/purgeActivityOnWithdrawal';
import type { HiringConfig } from './hiringConfig';
import type { HiringServices } from './hiringServices';
import { applicationModel } from './models/applicationModel';
import { hiringProfileModel } from './models/hiringProfileModel';
import { jobActivityModel } from './models/jobActivityModel';
import { jobModel } from './models/jobModel';
import { organizationProjectionModel } from './models/organizationProjectionModel';
import { activityResolvers } from './resolvers/activityResolvers';
import { applicationResolvers } from './resolvers/applicationResolvers';
import { candidateResolvers } from './resolvers/candidateResolvers';
import { hiringProfileResolvers } from './resolvers/hiringProfileResolvers';
import { jobResolvers } from './resolvers/jobResolvers';
import { recommendationResolvers } from './resolvers/recommendationResolvers';

/** The hiring subgraph: profiles, jobs, applications, candidate search, recommendations. Tests start it on port 0. */
export async function createHiring(config: HiringConfig): Promise<SubgraphService<HiringServices>> {
  const definition: SubgraphDefinition<HiringServices> = {
    name: 'hiring',
    streams: ['IDENTITY', 'HIRING', 'CONSENT'],
    setup: async ({ db, relay, consent }) => {
      // Models with an outbox are written through what the relay returns (serialized on FerretDB).
      const profiles = relay.track(hiringProfileModel(db));
      const jobs = relay.track(jobModel(db));
      const applications = relay.track(applicationModel(db));
      const activity = jobActivityModel(db);
      const organizations = organizationProjectionModel(db);
      const services: HiringServices = { profiles, jobs, applications, activity, organizations, relay, consent };
      const resolvers = {
        Query: { ...candidateResolvers.Query, ...jobResolvers.Query, ...applicationResolvers.Query },
        Mutation: { ...hiringProfileResolvers.Mutation, ...jobResolvers.Mutation, ...applicationResolvers.Mutation, ...activityResolvers.Mutation },
        User: { ...hiringProfileResolvers.User, ...activityResolvers.User, ...applicationResolvers.User, ...recommendationResolvers.User },
        HiringProfile: hiringProfileResolvers.HiringProfile,
        Job: jobResolvers.Job,
        Application: applicationResolvers.Application,
        JobActivity: activityResolvers.JobActivity,
      };
      return {
        services,
        resolvers: resolvers as never,
        consumers: [createProfileOnSignUp(profiles), projectOrganizations(organizations), purgeActivityOnWithdrawal(activity, consent)],
      };
    },
    schemaTransforms: [
      restrictViewers({
        'User.jobRecommendations': ownerOnly,
        'User.jobSearchActivity': ownerOnly,
        'User.jobApplications': ownerOnly,
        'User.adInterests': serviceOnly,
      }),
    ],
  };
  return createSubgraphService(definition, config);
}

import { createSubgraphService, type SubgraphDefinition, type SubgraphService } from '@profile-graph/kit';
import { createProfileOnSignUp } from './consumers/createProfileOnSignUp';
import type { HiringConfig } from './hiringConfig';
import type { HiringServices } from './hiringServices';
import { hiringProfileModel } from './models/hiringProfileModel';
import { hiringProfileResolvers } from './resolvers/hiringProfileResolvers';

/** The hiring subgraph: hiring profiles. Tests start it on port 0. */
export async function createHiring(config: HiringConfig): Promise<SubgraphService<HiringServices>> {
  const definition: SubgraphDefinition<HiringServices> = {
    name: 'hiring',
    streams: ['IDENTITY', 'HIRING'],
    setup: async ({ db, relay }) => {
      const profiles = relay.track(hiringProfileModel(db));
      return {
        services: { profiles, relay },
        resolvers: hiringProfileResolvers as never,
        consumers: [createProfileOnSignUp(profiles)],
      };
    },
  };
  return createSubgraphService(definition, config);
}

import { createSubgraphService, type SubgraphDefinition, type SubgraphService } from '@profile-graph/kit';
import type { CallsConfig } from './callsConfig';
import type { CallsServices } from './callsServices';
import { projectUsers } from './consumers/projectUsers';
import { callModel } from './models/callModel';
import { callUserModel } from './models/callUserModel';
import { callResolvers } from './resolvers/callResolvers';

/** The calls subgraph: calls by handle, without phone numbers. Tests start it on port 0. */
export async function createCalls(config: CallsConfig): Promise<SubgraphService<CallsServices>> {
  const definition: SubgraphDefinition<CallsServices> = {
    name: 'calls',
    streams: ['IDENTITY', 'CALLS'],
    setup: async ({ db, relay }) => {
      const calls = callModel(db);
      const users = callUserModel(db);
      relay.watch(calls);
      return { services: { calls, users, relay }, resolvers: callResolvers as never, consumers: [projectUsers(users)] };
    },
  };
  return createSubgraphService(definition, config);
}

import { createSubgraphService, type SubgraphDefinition, type SubgraphService } from '@profile-graph/kit';
import type { ConsentConfig } from './consentConfig';
import type { ConsentServices } from './consentServices';
import { consentStateModel } from './models/consentStateModel';
import { consentResolvers } from './resolvers/consentResolvers';

/** The consent subgraph: the consent ledger and its events. Tests start it on port 0. */
export async function createConsent(config: ConsentConfig): Promise<SubgraphService<ConsentServices>> {
  const definition: SubgraphDefinition<ConsentServices> = {
    name: 'consent',
    streams: ['CONSENT', 'CONSENT_STATE'],
    setup: async ({ db, relay }) => {
      const states = consentStateModel(db);
      relay.watch(states);
      return { services: { states, relay }, resolvers: consentResolvers as never };
    },
  };
  return createSubgraphService(definition, config);
}

import { createSubgraphService, type SubgraphDefinition, type SubgraphService } from '@profile-graph/kit';
import type { ConsentConfig } from './consentConfig';
import type { ConsentServices } from './consentServices';
import { storeDataAccess } from './consumers/storeDataAccess';
import { dataAccessModel } from './models/dataAccessModel';
import { consentStateModel } from './models/consentStateModel';
import { consentRecordResolvers } from './resolvers/consentRecordResolvers';
import { consentResolvers } from './resolvers/consentResolvers';
import { dataAccessLogResolvers } from './resolvers/dataAccessLogResolvers';
import { jsonObjectScalar } from './resolvers/jsonObjectScalar';

/** The consent subgraph: the consent ledger, receipts, the data access log. Tests start it on port 0. */
export async function createConsent(config: ConsentConfig): Promise<SubgraphService<ConsentServices>> {
  const definition: SubgraphDefinition<ConsentServices> = {
    name: 'consent',
    streams: ['CONSENT', 'CONSENT_STATE', 'PRIVACY'],
    setup: async ({ db, relay }) => {
      // The ledger and its relay write the same documents (see OutboxRelay.track).
      const states = relay.track(consentStateModel(db));
      const accessLog = dataAccessModel(db);
      const receiptController = {
        name: config.CONTROLLER_NAME,
        contact: config.CONTROLLER_CONTACT,
        email: config.CONTROLLER_EMAIL,
        address: config.CONTROLLER_ADDRESS,
        country: config.CONTROLLER_COUNTRY,
        policyUrl: config.PRIVACY_POLICY_URL,
        defaultJurisdiction: config.DEFAULT_JURISDICTION,
      };
      const resolvers = {
        JSONObject: jsonObjectScalar,
        Mutation: consentResolvers.Mutation,
        User: { ...consentResolvers.User, ...consentRecordResolvers.User, ...dataAccessLogResolvers.User },
        ConsentRecord: consentRecordResolvers.ConsentRecord,
        DataAccess: dataAccessLogResolvers.DataAccess,
      };
      return { services: { states, relay, accessLog, receiptController }, resolvers: resolvers as never, consumers: [storeDataAccess(accessLog)] };
    },
  };
  return createSubgraphService(definition, config);
}

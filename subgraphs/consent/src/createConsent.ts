import { createSubgraphService, erasureGuard, type SubgraphDefinition, type SubgraphService } from '@profile-graph/kit';
import type { Logger } from 'pino';
import type { ConsentConfig } from './consentConfig';
import type { ConsentServices } from './consentServices';
import { storeDataAccess } from './consumers/storeDataAccess';
import { dataAccessModel } from './models/dataAccessModel';
import { consentLedgerModel } from './models/consentLedgerModel';
import { consentStateModel } from './models/consentStateModel';
import { consentRetentionPolicies } from './privacy/consentRetention';
import { eraseConsentData } from './privacy/eraseConsentData';
import { privacyProgressModel, privacyRequestModel } from './privacy/privacyRequestModels';
import { watchPrivacyRequestDeadlines } from './privacy/watchPrivacyRequestDeadlines';
import { privacyResolvers } from './privacy/privacyResolvers';
import { recordErasureProgress } from './privacy/recordErasureProgress';
import { noticeResolvers } from './notices/noticeResolvers';
import { consentRecordResolvers } from './resolvers/consentRecordResolvers';
import { consentResolvers } from './resolvers/consentResolvers';
import { dataAccessLogResolvers } from './resolvers/dataAccessLogResolvers';
import { jsonObjectScalar } from './resolvers/jsonObjectScalar';
import type { Resolvers } from './generated/resolvers';

export interface ConsentOptions {
  /** Now; tests inject one to move time (retention sweep). */
  clock?: () => Date;
  /** Instead of the one built from LOG_LEVEL; tests pass one that keeps its lines. */
  logger?: Logger;
}

export type ConsentService = SubgraphService<ConsentServices>;

/** The consent subgraph: the consent ledger, receipts, the data access log, privacy requests (export, erasure). Tests start it on port 0. */
export async function createConsent(config: ConsentConfig, options: ConsentOptions = {}): Promise<ConsentService> {
  const clock = options.clock ?? (() => new Date());
  const definition: SubgraphDefinition<ConsentServices> = {
    name: 'consent',
    streams: ['CONSENT', 'CONSENT_STATE', 'PRIVACY'],
    clock,
    setup: async ({ db, relay, bus, logger }) => {
      // The ledger and its relay write the same documents (see OutboxRelay.track).
      const states = relay.track(consentStateModel(db));
      // Insert-only, so not tracked: no two writers can race on one of its documents.
      const ledger = consentLedgerModel(db);
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
      const resolvers: Resolvers = {
        JSONObject: jsonObjectScalar,
        Query: { ...privacyResolvers.Query, ...noticeResolvers.Query },
        Mutation: { ...consentResolvers.Mutation, ...privacyResolvers.Mutation },
        User: { ...consentResolvers.User, ...consentRecordResolvers.User, ...dataAccessLogResolvers.User, ...privacyResolvers.User },
        ConsentRecord: consentRecordResolvers.ConsentRecord,
        DataAccess: dataAccessLogResolvers.DataAccess,
      };
      const privacyRequests = relay.track(privacyRequestModel(db));
      const privacyProgress = privacyProgressModel(db);
      const services: ConsentServices = {
        states,
        ledger,
        relay,
        accessLog,
        receiptController,
        privacyRequests,
        privacyProgress,
        nc: bus.nc,
        exportTimeoutMs: config.PRIVACY_EXPORT_TIMEOUT_MS,
        db,
        privacyRequestDueMs: config.PRIVACY_REQUEST_DUE_DAYS * 86_400_000,
        clock,
        accessLogRetentionDays: config.RETENTION_ACCESS_LOG_DAYS,
      };
      return {
        services,
        resolvers,
        consumers: [storeDataAccess(accessLog, logger, erasureGuard(db), bus), recordErasureProgress(privacyProgress)],
        // No export part: consent assembles the export (exportMyData) and adds its own section there.
        privacy: {
          erasure: { erase: (userId) => eraseConsentData({ states, ledger, accessLog, relay, bus }, userId) },
          retention: {
            intervalMs: config.RETENTION_SWEEP_INTERVAL_MS,
            policies: consentRetentionPolicies({ accessLog, accessLogDays: config.RETENTION_ACCESS_LOG_DAYS }),
          },
        },
      };
    },
  };
  const service = await createSubgraphService(definition, config, { logger: options.logger });
  watchPrivacyRequestDeadlines(service.services, service.metrics);
  return service;
}

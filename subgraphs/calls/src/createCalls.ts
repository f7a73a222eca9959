import { createSubgraphService, erasureGuard, startSnapshotBootstrap, type SubgraphDefinition, type SubgraphService } from '@profile-graph/kit';
import type { CallsConfig } from './callsConfig';
import type { CallsServices } from './callsServices';
import { anonymizeDeletedUsers } from './consumers/anonymizeDeletedUsers';
import { bootstrapCallsFromIdentity } from './consumers/bootstrapFromIdentity';
import { projectUsers } from './consumers/projectUsers';
import { projectVerifications } from './consumers/projectVerifications';
import { RingingSweeper } from './lifecycle/ringingSweeper';
import { callChangeModel } from './models/callChangeModel';
import { callerVerificationModel } from './models/callerVerificationModel';
import { callModel } from './models/callModel';
import { callPrivacyModel } from './models/callPrivacyModel';
import { callUserModel } from './models/callUserModel';
import { callsRetentionPolicies } from './privacy/callsRetention';
import { eraseCallsData } from './privacy/eraseCallsData';
import { exportCallsData } from './privacy/exportCallsData';
import { callResolvers } from './resolvers/callResolvers';
import { privacyResolvers } from './resolvers/privacyResolvers';
import { signalResolvers } from './resolvers/signalResolvers';
import { SignalRelay } from './signals/signalRelay';
import type { Resolvers } from './generated/resolvers';

export interface CallsOptions {
  /** Now; tests pass their own to make calls ring out without waiting. */
  clock?: () => Date;
}

export type CallsService = SubgraphService<CallsServices> & { sweeper: RingingSweeper };

/** The calls subgraph: calls by handle, without phone numbers. Tests start it on port 0. */
export async function createCalls(config: CallsConfig, options: CallsOptions = {}): Promise<CallsService> {
  let sweeper: RingingSweeper | undefined;
  const clock = options.clock ?? (() => new Date());
  const definition: SubgraphDefinition<CallsServices> = {
    name: 'calls',
    streams: ['IDENTITY', 'CALLS'],
    clock,
    setup: async ({ db, bus, relay, logger }) => {
      const services: CallsServices = {
        calls: relay.track(callModel(db)),
        changes: relay.track(callChangeModel(db)),
        users: callUserModel(db),
        privacy: callPrivacyModel(db),
        verifications: callerVerificationModel(db),
        relay,
        signals: new SignalRelay(bus),
        config,
        logger,
        clock,
      };
      sweeper = new RingingSweeper(services, config.CALL_SWEEP_INTERVAL_MS);
      sweeper.start();
      // A fresh database cannot rely on the IDENTITY stream holding every sign-up (max_age): ask identity.
      const bootstrap = startSnapshotBootstrap({
        name: 'calls users',
        logger,
        isEmpty: async () => !(await services.users.exists({})),
        run: () => bootstrapCallsFromIdentity({ nc: bus.nc, users: services.users, verifications: services.verifications, guard: erasureGuard(db), timeoutMs: config.STARTUP_TIMEOUT_MS }),
      });
      services.identityBootstrap = bootstrap.done;
      return {
        services,
        resolvers: {
          Query: { ...signalResolvers.Query, ...callResolvers.Query },
          User: { ...callResolvers.User, ...privacyResolvers.User },
          Call: callResolvers.Call,
          CallPrivacy: privacyResolvers.CallPrivacy,
          Mutation: { ...callResolvers.Mutation, ...privacyResolvers.Mutation, ...signalResolvers.Mutation },
        } satisfies Resolvers,
        consumers: [...projectUsers(services.users), projectVerifications(services.verifications, erasureGuard(db)), anonymizeDeletedUsers(services)],
        privacy: {
          exportData: (userId) => exportCallsData({ ...services, db, callHistoryDays: config.RETENTION_CALL_HISTORY_DAYS }, userId),
          erasure: { erase: (userId) => eraseCallsData(services, userId) },
          retention: {
            intervalMs: config.RETENTION_SWEEP_INTERVAL_MS,
            policies: callsRetentionPolicies({
              services,
              bus,
              callHistoryDays: config.RETENTION_CALL_HISTORY_DAYS,
              signalingPayloadHours: config.RETENTION_SIGNALING_PAYLOAD_HOURS,
            }),
          },
        },
        onClose: async () => {
          bootstrap.stop();
          await sweeper!.stop();
        },
      };
    },
  };
  const service = await createSubgraphService(definition, config);
  return Object.assign(service, { sweeper: sweeper! });
}

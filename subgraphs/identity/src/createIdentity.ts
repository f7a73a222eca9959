import { createSessionSigner, createSubgraphService, type SubgraphDefinition, type SubgraphService } from '@profile-graph/kit';
import type { IdentityConfig } from './identityConfig';
import type { IdentityServices } from './identityServices';
import { userModel } from './models/userModel';
import { createPasswordHasher } from './passwords/passwordHasher';
import { authResolvers } from './resolvers/authResolvers';
import { userResolvers } from './resolvers/userResolvers';
import { apiKeyModel } from './apiKeys/apiKeyModel';
import { apiKeyResolvers } from './apiKeys/apiKeyResolvers';
import { ApiKeyResponder } from './apiKeys/apiKeyResponder';
import { organizationModel } from './organizations/organizationModel';
import { organizationResolvers } from './organizations/organizationResolvers';
import { sessionModel } from './sessions/sessionModel';
import { sessionResolvers } from './sessions/sessionResolvers';
import { createSessionService } from './sessions/sessionService';
import { SignInThrottle } from './sessions/signInThrottle';

/** The identity subgraph: users, sign-up and sign-in, sessions, organizations and partner API keys. Tests start it on port 0. */
export async function createIdentity(config: IdentityConfig): Promise<SubgraphService<IdentityServices>> {
  const signSession = await createSessionSigner(config.SESSION_PRIVATE_KEY, {
    ttlSeconds: config.SESSION_TTL_SECONDS,
    kid: config.SESSION_KEY_ID,
  });
  const definition: SubgraphDefinition<IdentityServices> = {
    name: 'identity',
    streams: ['IDENTITY'],
    setup: async ({ db, relay, bus, logger }) => {
      const users = relay.track(userModel(db));
      const sessions = relay.track(sessionModel(db));
      const organizations = relay.track(organizationModel(db));
      const apiKeys = relay.track(apiKeyModel(db));
      const services: IdentityServices = {
        users,
        passwords: createPasswordHasher(config.SCRYPT_LOG_N),
        relay,
        signSession,
        sessionModel: sessions,
        sessions: createSessionService({ sessions, relay, signAccess: signSession, refreshTtlSeconds: config.REFRESH_TTL_SECONDS }),
        signInThrottle: new SignInThrottle({
          freeFailuresPerHandle: config.SIGNIN_FREE_FAILURES_PER_HANDLE,
          freeFailuresPerIp: config.SIGNIN_FREE_FAILURES_PER_IP,
          maxDelaySeconds: config.SIGNIN_MAX_DELAY_SECONDS,
          windowSeconds: Math.max(config.SIGNIN_MAX_DELAY_SECONDS, 3600),
        }),
        organizations,
        apiKeys,
      };
      const responder = new ApiKeyResponder({ nc: bus.nc, apiKeys, organizations, logger });
      responder.start();
      return {
        services,
        resolvers: {
          Query: { ...userResolvers.Query, ...organizationResolvers.Query },
          Mutation: { ...authResolvers.Mutation, ...sessionResolvers.Mutation, ...organizationResolvers.Mutation, ...apiKeyResolvers.Mutation },
          User: userResolvers.User,
          Organization: organizationResolvers.Organization,
          OrganizationMember: organizationResolvers.OrganizationMember,
          ApiKey: apiKeyResolvers.ApiKey,
        } as never,
        onClose: async () => responder.stop(),
      };
    },
  };
  return createSubgraphService(definition, config);
}

import { createSessionSigner, createSubgraphService, type SubgraphDefinition, type SubgraphService } from '@profile-graph/kit';
import type { IdentityConfig } from './identityConfig';
import type { IdentityServices } from './identityServices';
import { userModel } from './models/userModel';
import { createPasswordHasher } from './passwords/passwordHasher';
import { authResolvers } from './resolvers/authResolvers';
import { userResolvers } from './resolvers/userResolvers';

/** The identity subgraph: users, sign-up and sign-in. Tests start it on port 0. */
export async function createIdentity(config: IdentityConfig): Promise<SubgraphService<IdentityServices>> {
  const signSession = await createSessionSigner(config.SESSION_PRIVATE_KEY, {
    ttlSeconds: config.SESSION_TTL_SECONDS,
    kid: config.SESSION_KEY_ID,
  });
  const definition: SubgraphDefinition<IdentityServices> = {
    name: 'identity',
    streams: ['IDENTITY'],
    setup: async ({ db, relay }) => {
      const users = userModel(db);
      relay.watch(users);
      const services: IdentityServices = { users, passwords: createPasswordHasher(config.SCRYPT_LOG_N), relay, signSession };
      return {
        services,
        resolvers: {
          Query: userResolvers.Query,
          Mutation: authResolvers.Mutation,
          User: userResolvers.User,
        } as never,
      };
    },
  };
  return createSubgraphService(definition, config);
}

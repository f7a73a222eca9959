import { requireUser } from '@profile-graph/kit';
import { loadUser } from '../resolvers/userResolvers';
import type { Resolvers } from '../generated/resolvers';

export const sessionResolvers = {
  Mutation: {
    // No viewer needed: the refresh token is the credential, and the access token may well have expired.
    refreshSession: async (_, args, context) => {
      const issued = await context.services.sessions.refresh(args.refreshToken);
      return { ...issued, user: await loadUser(context, issued.userId) };
    },
    signOut: (_, args, context) =>
      context.services.sessions.signOut(args.refreshToken, requireUser(context.viewer)),
  },
} satisfies Resolvers;

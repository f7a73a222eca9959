import type { SubgraphContext } from '@profile-graph/kit';
import type { IdentityServices } from '../identityServices';
import { requireUserId } from '../organizations/requireViewer';
import { loadUser } from '../resolvers/userResolvers';

type Context = SubgraphContext<IdentityServices>;

export const sessionResolvers = {
  Mutation: {
    // No viewer needed: the refresh token is the credential, and the access token may well have expired.
    refreshSession: async (_: unknown, args: { refreshToken: string }, context: Context) => {
      const issued = await context.services.sessions.refresh(args.refreshToken);
      return { ...issued, user: await loadUser(context, issued.userId) };
    },
    signOut: (_: unknown, args: { refreshToken: string }, context: Context) =>
      context.services.sessions.signOut(args.refreshToken, requireUserId(context.viewer)),
  },
};

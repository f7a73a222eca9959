import { loadById, type SubgraphContext } from '@profile-graph/kit';
import type { UserDoc } from '../models/userModel';
import type { IdentityServices } from '../identityServices';

type Context = SubgraphContext<IdentityServices>;

export function loadUser(context: Context, id: string): Promise<UserDoc | null> {
  return loadById<UserDoc>(context.loaders, context.services.users, id);
}

export const userResolvers = {
  Query: {
    user: (_: unknown, args: { id: string }, context: Context) => loadUser(context, args.id),
    userByHandle: (_: unknown, args: { handle: string }, context: Context) =>
      context.services.users.findOne({ handleLower: args.handle.trim().toLowerCase() }).lean().exec(),
    me: (_: unknown, __: unknown, context: Context) => (context.viewer.userId ? loadUser(context, context.viewer.userId) : null),
  },
  User: {
    __resolveReference: (reference: { id: string }, context: Context) => loadUser(context, reference.id),
    id: (user: UserDoc) => user._id,
  },
};

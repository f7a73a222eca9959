import { loadById, type SubgraphContext } from '@profile-graph/kit';
import type { UserDoc } from '../models/userModel';
import type { IdentityServices } from '../identityServices';

type Context = SubgraphContext<IdentityServices>;

export function loadUser(context: Context, id: string): Promise<UserDoc | null> {
  return loadById<UserDoc>(context.loaders, context.services.users, id);
}

/** Keeps the country code and the last two digits: enough to recognise a contact, not to call them. */
export function maskPhoneNumber(phone: string): string {
  const digits = phone.replace(/[^0-9]/g, '');
  if (digits.length <= 4) return '•'.repeat(digits.length);
  const country = phone.startsWith('+') ? `+${digits.slice(0, digits.length > 10 ? digits.length - 10 : 1)}` : '';
  const rest = digits.slice(country.length ? country.length - 1 : 0);
  return `${country}${'•'.repeat(rest.length - 2)}${rest.slice(-2)}`;
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
    // Consent (CONTACT_DISCOVERY) is checked before this runs; masking for others is on top of it.
    phoneNumber: (user: UserDoc, _: unknown, context: Context) => {
      if (!user.phoneNumber) return null;
      const owner = context.viewer.kind === 'user' && context.viewer.userId === user._id;
      return owner ? user.phoneNumber : maskPhoneNumber(user.phoneNumber);
    },
  },
};

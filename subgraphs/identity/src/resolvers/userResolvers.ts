import { loadById, type SubgraphContext } from '@profile-graph/kit';
import { describePolicy } from '../biometrics/biometricPolicy';
import type { UserDoc } from '../models/userModel';
import { isPremium } from '../models/userModel';
import type { IdentityServices } from '../identityServices';
import type { Resolvers } from '../generated/resolvers';

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

const isOwner = (context: Context, user: UserDoc) => context.viewer.kind === 'user' && context.viewer.userId === user._id;

/** Fields only the user themself sees: null for everyone else. */
const ownerOnly =
  <T>(read: (user: UserDoc, context: Context) => T) =>
  (user: UserDoc, _: unknown, context: Context): T | null =>
    isOwner(context, user) ? read(user, context) : null;

export const userResolvers = {
  Query: {
    user: (_, args, context) => loadUser(context, args.id),
    userByHandle: (_, args, context) =>
      context.services.users.findOne({ handleLower: args.handle.trim().toLowerCase() }).lean().exec(),
    me: (_, __, context) => (context.viewer.userId ? loadUser(context, context.viewer.userId) : null),
    biometricRetentionPolicy: (_, __, context) => describePolicy(context.services.biometricPolicy),
  },
  User: {
    __resolveReference: (reference, context) => loadUser(context, reference.id),
    id: (user) => user._id,
    // Never the number itself, to anyone: the owner sees it masked, everyone else nothing (consent is checked before this runs).
    // Others reach this only past @requiresConsent(CONTACT_DISCOVERY); everyone, the owner included, sees it masked.
    phoneNumber: (user, _, context) =>
      user.phone ? maskPhoneNumber(context.services.phones.open(user._id, user.phone)) : null,
    avatarUrl: (user) => user.avatarUrl ?? null,
    email: ownerOnly((user) => (user.email ? { address: user.email, verified: user.emailVerified === true } : null)),
    premium: ownerOnly((user, context) =>
      user.premiumSince ? { active: isPremium(user, context.services.clock()), since: user.premiumSince, until: user.premiumUntil ?? null } : null,
    ),
    updatedAt: (user) => user.updatedAt ?? user.createdAt,
    verification: ownerOnly((user) => ({
      status: user.verification?.status ?? 'UNVERIFIED',
      method: user.verification?.method ?? null,
      verifiedAt: user.verification?.verifiedAt ?? null,
    })),
    // @requiresConsent(BIOMETRIC_VERIFICATION) has run: its recipients are nobody but the subject, so only
    // the owner gets here. The template itself is never returned, only when it was made and when it goes.
    biometricEnrollment: (user) =>
      user.biometric ? { enrolledAt: user.biometric.enrolledAt, lastInteractionAt: user.biometric.lastInteractionAt, retentionUntil: user.biometric.retentionUntil } : null,
    biometricDestructions: ownerOnly((user) => [...(user.biometricDestructions ?? [])].sort((a, b) => new Date(b.destroyedAt).getTime() - new Date(a.destroyedAt).getTime())),
  },
} satisfies Resolvers;

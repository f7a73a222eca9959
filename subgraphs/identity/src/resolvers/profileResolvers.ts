import { AppError, badInput, duplicateKeyIndexOf, identityEvents, isDuplicateKeyError, outboxOnUpdate, requireService, requireUser, type SubgraphContext } from '@profile-graph/kit';
import type { IdentityServices } from '../identityServices';
import type { UserDoc } from '../models/userModel';
import { validateE164 } from '../phones/phoneVault';
import { validateProfileUpdate } from '../validation/validateProfileUpdate';
import { submitIdentityVerification } from '../verification/submitIdentityVerification';
import type { Resolvers } from '../generated/resolvers';

type Context = SubgraphContext<IdentityServices>;

export const OPERATOR_SUBSCRIPTIONS_SCOPE = 'operator:subscriptions';

/** Public profile fields travel in the event (with the profileVersion they produced); private ones (email, phone, Premium) only by name. */
function updatedEvent(userId: string, changed: string[], values: Record<string, unknown> = {}) {
  return identityEvents.userUpdated.create({ userId, changed, ...values }, userId);
}

async function reload(context: Context, userId: string): Promise<UserDoc> {
  const user = await context.services.users.findById(userId).lean();
  if (!user) throw new AppError('NOT_FOUND', 'No user has this id.');
  return user;
}

export const profileResolvers = {
  Mutation: {
    updateProfile: async (_, args, context) => {
      const userId = requireUser(context.viewer);
      const changes = validateProfileUpdate(args.input);
      const { users, relay } = context.services;
      const set: Record<string, unknown> = {};
      const unset: Record<string, 1> = {};
      if (changes.handle !== undefined) Object.assign(set, { handle: changes.handle, handleLower: changes.handle.toLowerCase() });
      if (changes.displayName !== undefined) set.displayName = changes.displayName;
      if (changes.avatarUrl !== undefined) {
        if (changes.avatarUrl === null) unset.avatarUrl = 1;
        else set.avatarUrl = changes.avatarUrl;
      }
      const publicValues: Record<string, unknown> = {};
      for (const field of ['handle', 'displayName', 'avatarUrl'] as const) if (changes[field] !== undefined) publicValues[field] = changes[field];
      // Compare-and-set on profileVersion: the event names the version its change produced, and two concurrent
      // updates cannot both claim one version (the loser re-reads and takes the next).
      for (let attempt = 0; ; attempt++) {
        const current = await users.findById(userId).select({ emailLower: 1, profileVersion: 1 }).lean();
        if (!current) throw new AppError('NOT_FOUND', 'Your account no longer exists.');
        const emailSet = { ...set };
        const emailUnset = { ...unset };
        if (changes.email !== undefined) {
          if (changes.email === null) Object.assign(emailUnset, { email: 1, emailLower: 1, emailVerified: 1 });
          // The verified flag belongs to an address: a new address starts unverified.
          else if (current.emailLower !== changes.email.toLowerCase()) Object.assign(emailSet, { email: changes.email, emailLower: changes.email.toLowerCase(), emailVerified: false });
          else emailSet.email = changes.email;
        }
        const profileVersion = (current.profileVersion ?? 1) + 1;
        emailSet.profileVersion = profileVersion;
        const event = updatedEvent(userId, Object.keys(changes), { ...publicValues, profileVersion });
        let matched: number;
        try {
          const result = await users.updateOne(
            { _id: userId, profileVersion: current.profileVersion ?? { $exists: false } },
            outboxOnUpdate([event], { $set: emailSet, ...(Object.keys(emailUnset).length ? { $unset: emailUnset } : {}) }),
          );
          matched = result.matchedCount;
        } catch (error) {
          // Only the e-mail and the handle are unique among the fields a profile update writes.
          if (duplicateKeyIndexOf(error, ['emailLower']) === 'emailLower') throw badInput('input.email', 'this address is used by another account.');
          if (isDuplicateKeyError(error)) throw badInput('input.handle', 'this handle is taken.');
          throw error;
        }
        if (matched === 1) break;
        if (attempt >= 4) throw new AppError('CONFLICT', 'Your profile is being changed by another request; try again.');
      }
      relay.kick();
      return reload(context, userId);
    },
    setPhoneNumber: async (_, args, context) => {
      const userId = requireUser(context.viewer);
      const e164 = validateE164(args.e164);
      const { users, relay, phones } = context.services;
      // Not unique on purpose: a uniqueness error would tell anyone whether a number is registered, consent or not.
      const stored = phones.seal(userId, e164);
      const result = await users.updateOne({ _id: userId }, outboxOnUpdate([updatedEvent(userId, ['phoneNumber'])], { $set: stored }));
      if (result.matchedCount !== 1) throw new AppError('NOT_FOUND', 'Your account no longer exists.');
      relay.kick();
      return reload(context, userId);
    },
    removePhoneNumber: async (_, __, context) => {
      const userId = requireUser(context.viewer);
      const { users, relay } = context.services;
      await users.updateOne({ _id: userId, phone: { $exists: true } }, outboxOnUpdate([updatedEvent(userId, ['phoneNumber'])], { $unset: { phone: 1, phoneLookupHash: 1 } }));
      relay.kick();
      return reload(context, userId);
    },
    setPremiumSubscription: async (_, args, context) => {
      requireService(context.viewer, OPERATOR_SUBSCRIPTIONS_SCOPE);
      if (!(args.since instanceof Date) || Number.isNaN(args.since.getTime())) throw badInput('since', 'give an ISO 8601 time.');
      const until = args.until ?? null;
      if (until && until.getTime() <= args.since.getTime()) throw badInput('until', 'must be after since.');
      const { users, relay } = context.services;
      const update = until ? { $set: { premiumSince: args.since, premiumUntil: until } } : { $set: { premiumSince: args.since }, $unset: { premiumUntil: 1 } };
      const result = await users.updateOne({ _id: String(args.userId) }, outboxOnUpdate([updatedEvent(String(args.userId), ['premium'])], update));
      if (result.matchedCount !== 1) throw new AppError('NOT_FOUND', 'No user has this id.');
      relay.kick();
      return reload(context, String(args.userId));
    },
    submitIdentityVerification: async (_, args, context) => {
      const user = await submitIdentityVerification(args, context);
      return user;
    },
  },
} satisfies Resolvers;

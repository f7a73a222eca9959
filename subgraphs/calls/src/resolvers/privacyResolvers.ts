import { badInput, requireOwner, requireUser } from '@profile-graph/kit';
import type { CallPrivacyDoc } from '../models/callPrivacyModel';
import type { CalleeRules } from '../policy/callPolicy';
import { userRef, type Context } from './callContext';
import type { Resolvers } from '../generated/resolvers';

/** Bounds one settings document; nobody needs more contacts or blocks than this for calls. */
const MAX_LIST = 5_000;

export async function calleeRules(context: Context, userId: string): Promise<CalleeRules> {
  const doc = await context.services.privacy.findById(userId).lean();
  return toRules(context, doc);
}

function toRules(context: Context, doc: CallPrivacyDoc | null): CalleeRules {
  // FerretDB drops [] on insert, so absent lists are empty lists.
  return { whoCanCall: doc?.whoCanCall ?? context.services.config.CALL_DEFAULT_WHO_CAN_CALL, allowed: doc?.allowed ?? [], blocked: doc?.blocked ?? [] };
}

async function updateOwn(context: Context, update: Record<string, unknown>): Promise<CalleeRules> {
  const userId = requireUser(context.viewer);
  const doc = await context.services.privacy.findOneAndUpdate({ _id: userId }, update, { upsert: true, returnDocument: 'after' }).lean();
  return toRules(context, doc);
}

/** Another existing user, for the lists; never oneself. */
async function otherUser(context: Context, userId: string): Promise<string> {
  if (userId === requireUser(context.viewer)) throw badInput('userId', 'this is you; your own calls are not subject to these rules.');
  const user = await context.services.users.findOne({ _id: userId, deletedAt: { $exists: false } }).lean();
  if (!user) throw badInput('userId', 'no user has this id.');
  return userId;
}

async function addTo(context: Context, list: 'allowed' | 'blocked', userId: string): Promise<CalleeRules> {
  const other = await otherUser(context, userId);
  const current = await calleeRules(context, requireUser(context.viewer));
  if (!current[list].includes(other) && current[list].length >= MAX_LIST) throw badInput('userId', `the list is full (${MAX_LIST}); remove someone first.`);
  return updateOwn(context, { $addToSet: { [list]: other } });
}

export const privacyResolvers = {
  User: {
    /** The user's own call rules; nobody else may read who they allow or block. */
    callPrivacy: async (user, _, context) => {
      requireUser(context.viewer);
      requireOwner(context.viewer, user.id, 'call settings');
      return calleeRules(context, user.id);
    },
  },
  CallPrivacy: {
    allowedCallers: (rules) => rules.allowed.map((id) => userRef(id)),
    blockedCallers: (rules) => rules.blocked.map((id) => userRef(id)),
  },
  Mutation: {
    setWhoCanCallMe: (_, args, context) => updateOwn(context, { $set: { whoCanCall: args.setting } }),
    allowCaller: (_, args, context) => addTo(context, 'allowed', args.userId),
    disallowCaller: (_, args, context) => updateOwn(context, { $pull: { allowed: args.userId } }),
    blockCaller: (_, args, context) => addTo(context, 'blocked', args.userId),
    unblockCaller: (_, args, context) => updateOwn(context, { $pull: { blocked: args.userId } }),
  },
} satisfies Resolvers;

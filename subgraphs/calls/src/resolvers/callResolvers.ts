import { AppError, badInput, outboxOnCreate, callsEvents, decodeNewestFirstCursor, newestFirstAfter, newestFirstCursor, pageSize, requireOwner, requireUser, toConnection } from '@profile-graph/kit';
import { randomUUID } from 'node:crypto';
import { setEncryption, transitionCall, type CallView } from '../lifecycle/callChanges';
import { deriveCallState, type CallAction } from '../lifecycle/callState';
import type { CallDoc } from '../models/callModel';
import { initialEncryption, mayCall } from '../policy/callPolicy';
import { CALL_LISTS } from './callLists';
import { calleeRules } from './privacyResolvers';
import { participantCall, stateOf, userRef, type Context } from './callContext';
import type { MutationAcceptCallArgs, Resolvers } from '../generated/resolvers';

/** One refusal for every rule, so a caller cannot tell a block from a restriction. */
const CANNOT_CALL = 'This user cannot be called by you right now.';

/** Who called whom: anonymous callers are asked to sign in, other users refused. */
function ownerOnly(context: Context, userId: string): void {
  requireUser(context.viewer);
  requireOwner(context.viewer, userId, 'calls');
}

// acceptCall, declineCall and endCall take the same arguments.
const move = (action: CallAction) => async (_: unknown, args: MutationAcceptCallArgs, context: Context) => {
  const call = await participantCall(context, args.callId);
  return transitionCall(context.services, call, action, requireUser(context.viewer));
};

export const callResolvers = {
  Query: {
    /** What the gateway reads for each live call event (incomingCall, callUpdated) as the subscriber, at that moment. */
    call: (_, args, context) => participantCall(context, args.id),
  },
  User: {
    /** Who called whom is known to the participants only. */
    recentCalls: async (user, args, context) => {
      ownerOnly(context, user.id);
      const first = pageSize(args.first, CALL_LISTS);
      return context.services.calls.find({ participantIds: user.id }).sort({ startedAt: -1, _id: -1 }).limit(first).lean();
    },
    callHistory: async (user, args, context) => {
      ownerOnly(context, user.id);
      const first = pageSize(args.first, CALL_LISTS);
      const filter = { participantIds: user.id, ...newestFirstAfter(decodeNewestFirstCursor(args.after), 'startedAt') };
      const calls = await context.services.calls.find(filter).sort({ startedAt: -1, _id: -1 }).limit(first + 1).lean();
      return toConnection(calls, first, (call) => newestFirstCursor(call.startedAt, call._id));
    },
  },
  Call: {
    __resolveReference: async (reference, context) => {
      const userId = context.viewer.kind === 'user' ? context.viewer.userId : undefined;
      if (!userId) return null;
      return participantCall(context, reference.id).catch(() => null);
    },
    id: (call) => call._id,
    participants: (call) => call.participantIds.map((id) => userRef(id)),
    caller: (call) => userRef(call.callerId),
    callee: (call) => userRef(call.calleeId),
    anonymized: (call) => call.anonymized === true,
    status: async (call, _, context) => (await stateOf(call, context)).status,
    answeredAt: async (call, _, context) => (await stateOf(call, context)).acceptedAt,
    endedAt: async (call, _, context) => (await stateOf(call, context)).endedAt,
    encryption: async (call, _, context) => {
      const { encryption } = await stateOf(call, context);
      // A change by someone no longer among the participants (a deleted account) shows no author.
      const author = (id: string | null) => (id && call.participantIds.includes(id) ? userRef(id) : null);
      return { ...encryption, history: encryption.history.map((entry) => ({ ...entry, changedBy: author(entry.changedBy) })) };
    },
  },
  Mutation: {
    startCall: async (_, args, context) => {
      const callerId = requireUser(context.viewer);
      const { services } = context;
      const handle = args.calleeHandle.trim().toLowerCase();
      if (!handle) throw badInput('calleeHandle', 'give the handle of the person to call.');
      const encryption = initialEncryption(
        { defaultOn: services.config.CALL_ENCRYPTION_DEFAULT === 'on', callerMayChoose: services.config.CALL_ENCRYPTION_CALLER_CHOICE === 'allow' },
        args.encrypted,
      );
      if ('error' in encryption) throw badInput('encrypted', encryption.error);
      // Handles are public (identity's userByHandle answers for anyone), so an
      // unknown one is NOT_FOUND: that helps with typos and reveals nothing about anyone's rules.
      // Placeholders (`released:<id>`, `deleted:<id>`) hold a ':' that no real handle has: they are nobody's handle.
      const callee = handle.includes(':') ? null : await services.users.findOne({ handleLower: handle, deletedAt: { $exists: false } }).lean();
      if (!callee) throw new AppError('NOT_FOUND', 'calleeHandle: no user has this handle.', { field: 'calleeHandle' });
      if (callee._id === callerId) throw badInput('calleeHandle', 'you cannot call yourself.');
      const [rules, verification] = await Promise.all([calleeRules(context, callee._id), services.verifications.findById(callerId).lean()]);
      if (!mayCall(rules, { id: callerId, verified: verification?.verified === true })) throw new AppError('FORBIDDEN', CANNOT_CALL);

      const id = randomUUID();
      const startedAt = services.clock();
      const call: CallDoc = {
        _id: id,
        callerId,
        calleeId: callee._id,
        participantIds: [callerId, callee._id],
        kind: args.kind,
        startedAt,
        ringingUntil: new Date(startedAt.getTime() + services.config.CALL_RING_TIMEOUT_MS),
        encrypted: encryption.enabled,
        phase: 'RINGING',
      };
      const event = callsEvents.callStarted.create({ callId: id, callerId, calleeId: callee._id, kind: args.kind, encrypted: encryption.enabled }, callerId);
      await services.calls.create({ ...call, ...outboxOnCreate([event]) });
      services.relay.kick();
      return { ...call, state: deriveCallState(call, []) } satisfies CallView;
    },
    acceptCall: move('ACCEPT'),
    declineCall: move('DECLINE'),
    endCall: move('END'),
    setCallEncryption: async (_, args, context) => {
      const call = await participantCall(context, args.callId);
      return setEncryption(context.services, call, requireUser(context.viewer), args.enabled);
    },
  },
} satisfies Resolvers;

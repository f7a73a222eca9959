import { randomUUID } from 'node:crypto';
import { AppError, badInput, createEvent, loadById, outboxOnCreate, type SubgraphContext } from '@profile-graph/kit';
import type { CallsServices } from '../callsServices';
import type { CallDoc, CallKind } from '../models/callModel';

type Context = SubgraphContext<CallsServices>;

const MAX_PAGE = 50;

function signedInUser(context: Context): string {
  if (context.viewer.kind !== 'user' || !context.viewer.userId) throw new AppError('UNAUTHENTICATED', 'Sign in to make or see calls.');
  return context.viewer.userId;
}

export const callResolvers = {
  User: {
    /** Who called whom is known to the participants only. */
    recentCalls: async (user: { id: string }, args: { first?: number | null }, context: Context) => {
      if (signedInUser(context) !== user.id) throw new AppError('FORBIDDEN', 'Only the user can see their calls.');
      const first = args.first ?? 20;
      if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) throw badInput('first', `use 1 to ${MAX_PAGE}.`);
      return context.services.calls.find({ participantIds: user.id }).sort({ startedAt: -1, _id: -1 }).limit(first).lean();
    },
  },
  Call: {
    __resolveReference: async (reference: { id: string }, context: Context) => {
      const call = await loadById<CallDoc>(context.loaders, context.services.calls, reference.id);
      return call && context.viewer.userId && call.participantIds.includes(context.viewer.userId) ? call : null;
    },
    id: (call: CallDoc) => call._id,
    participants: (call: CallDoc) => call.participantIds.map((id) => ({ __typename: 'User', id })),
  },
  Mutation: {
    startCall: async (_: unknown, args: { calleeHandle: string; kind: CallKind }, context: Context) => {
      const callerId = signedInUser(context);
      const callee = await context.services.users.findOne({ handleLower: args.calleeHandle.trim().toLowerCase() }).lean();
      if (!callee) throw new AppError('NOT_FOUND', 'calleeHandle: no user has this handle.', { field: 'calleeHandle' });
      if (callee._id === callerId) throw badInput('calleeHandle', 'you cannot call yourself.');
      const id = randomUUID();
      const startedAt = new Date();
      const event = createEvent('calls.v1.call.started', { callId: id, callerId, calleeId: callee._id, kind: args.kind }, callerId);
      const call = await context.services.calls.create({
        _id: id,
        callerId,
        calleeId: callee._id,
        participantIds: [callerId, callee._id],
        kind: args.kind,
        status: 'RINGING',
        startedAt,
        endedAt: null,
        ...outboxOnCreate([event]),
      });
      context.services.relay.kick();
      return call.toObject();
    },
  },
};

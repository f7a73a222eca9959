import { AppError, pageSize, requireUser } from '@profile-graph/kit';
import { loadState } from '../lifecycle/callChanges';
import { hasRungOut, isLive } from '../lifecycle/callState';
import type { CallDoc } from '../models/callModel';
import type { RelayedSignal } from '../signals/signalRelay';
import { parseSignalCursor, validateSignal } from '../validation/signalInput';
import { participantCall, userRef, type Context } from './callContext';
import type { Resolvers } from '../generated/resolvers';

async function liveCall(context: Context, callId: string): Promise<CallDoc> {
  const call = await participantCall(context, callId);
  const state = await loadState(context.services, call);
  if (!isLive(state.status) || hasRungOut(call, state, context.services.clock())) {
    throw new AppError('CONFLICT', `The call is ${hasRungOut(call, state, context.services.clock()) ? 'MISSED' : state.status}; signals pass only while it rings or is active.`);
  }
  return call;
}

const toGraph = (signal: RelayedSignal) => ({
  id: signal.id,
  from: userRef(signal.fromUserId),
  sentAt: new Date(signal.sentAt),
  cursor: String(signal.seq),
  type: signal.payload.type,
  sdp: 'sdp' in signal.payload ? signal.payload.sdp : null,
  candidate: 'candidate' in signal.payload ? signal.payload.candidate : null,
  sdpMid: 'sdpMid' in signal.payload ? signal.payload.sdpMid : null,
  sdpMLineIndex: 'sdpMLineIndex' in signal.payload ? signal.payload.sdpMLineIndex : null,
});

export const signalResolvers = {
  Query: {
    /** The other participant's signals after `after`, oldest first; poll with the returned endCursor. */
    callSignals: async (_, args, context) => {
      const userId = requireUser(context.viewer);
      const after = parseSignalCursor(args.after);
      const first = pageSize(args.first, { fallback: 50, max: 200, overMax: 'refuse' });
      const call = await liveCall(context, args.callId);
      const { signals, lastSeq } = await context.services.signals.read(call._id, after, first);
      return { signals: signals.filter((signal) => signal.fromUserId !== userId).map(toGraph), endCursor: String(lastSeq) };
    },
  },
  Mutation: {
    sendCallSignal: async (_, args, context) => {
      const userId = requireUser(context.viewer);
      const payload = validateSignal(args.payload, context.services.config.CALL_SIGNAL_MAX_BYTES);
      const call = await liveCall(context, args.callId);
      return toGraph(await context.services.signals.send(call._id, userId, payload, context.services.clock()));
    },
  },
} satisfies Resolvers;

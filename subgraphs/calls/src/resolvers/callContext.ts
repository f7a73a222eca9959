import DataLoader from 'dataloader';
import { AppError, batchGroupedByField, loadById, requireUser, type SubgraphContext } from '@profile-graph/kit';
import type { CallsServices } from '../callsServices';
import type { CallView } from '../lifecycle/callChanges';
import { deriveCallState, NOT_A_PARTICIPANT, type CallState } from '../lifecycle/callState';
import type { CallChangeDoc } from '../models/callChangeModel';
import type { CallDoc } from '../models/callModel';

export type Context = SubgraphContext<CallsServices>;

/** The call, if the viewer takes part in it; one answer for "no such call" and "not yours". */
export async function participantCall(context: Context, callId: string): Promise<CallDoc> {
  const userId = requireUser(context.viewer);
  const call = await loadById<CallDoc>(context.loaders, context.services.calls, callId);
  if (!call || !call.participantIds.includes(userId)) throw new AppError(NOT_A_PARTICIPANT.code, NOT_A_PARTICIPANT.message);
  return call;
}

/** State of a call: fresh from a mutation, else replayed from its changes, batched per request (one query per list). */
export async function stateOf(call: CallView, context: Context): Promise<CallState> {
  if (call.state) return call.state;
  const loader = context.loaders.get(
    'CallChange:callId',
    () => new DataLoader<string, CallChangeDoc[]>(batchGroupedByField<CallChangeDoc & Record<string, unknown>>(context.services.changes, 'callId', { sort: { seq: 1 } })),
  );
  return deriveCallState(call, await loader.load(call._id));
}

export const userRef = (id: string | null) => (id ? { __typename: 'User', id } : null);

import { AppError, isDuplicateKeyError, outboxOnCreate, callsEvents, type EventEnvelope } from '@profile-graph/kit';
import type { CallsServices } from '../callsServices';
import { callChangeId, type CallChangeDoc } from '../models/callChangeModel';
import type { CallDoc, CallStatus } from '../models/callModel';
import { decideEncryption, decideTransition, deriveCallState, hasRungOut, isLive, phaseOf, type CallAction, type CallState, type Refusal } from './callState';

/** A call with its current state, as resolvers return it (a fresh state spares a reload). */
export type CallView = CallDoc & { state?: CallState };

type Services = Pick<CallsServices, 'calls' | 'changes' | 'relay' | 'clock' | 'signals' | 'logger'>;

const ATTEMPTS = 5;

const eventOfStatus = {
  RINGING: null,
  ACTIVE: callsEvents.callAccepted,
  DECLINED: callsEvents.callDeclined,
  ENDED: callsEvents.callEnded,
  MISSED: callsEvents.callMissed,
  FAILED: callsEvents.callFailed,
} satisfies Record<CallStatus, unknown>;

export async function loadState(services: Pick<Services, 'changes'>, call: CallDoc): Promise<CallState> {
  const changes = await services.changes.find({ callId: call._id }).sort({ seq: 1 }).lean();
  return deriveCallState(call, changes);
}

const refuse = (refusal: Refusal) => new AppError(refusal.code, refusal.message);

/**
 * Appends one change to a call: reads the state, decides, and inserts the
 * change as `<callId>:<lastSeq + 1>` with its events. A concurrent change
 * that got that number first makes the insert fail; then the state is read
 * again and the decision made again, so a loser sees the winner's outcome
 * (accepting a call declined a moment ago is refused) and nothing is written
 * twice.
 */
async function appendChange(
  services: Services,
  call: CallDoc,
  decide: (state: CallState) => { change: Pick<CallChangeDoc, 'by' | 'status' | 'encrypted'>; events: (at: Date) => EventEnvelope[] } | null,
): Promise<CallState> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const state = await loadState(services, call);
    const decided = decide(state);
    if (!decided) return state;
    const at = services.clock();
    const seq = state.lastSeq + 1;
    const doc: CallChangeDoc = { _id: callChangeId(call._id, seq), callId: call._id, seq, at, ...decided.change };
    try {
      await services.changes.create({ ...doc, ...outboxOnCreate(decided.events(at)) });
    } catch (error) {
      if (isDuplicateKeyError(error)) continue;
      throw error;
    }
    services.relay.kick();
    const next = deriveCallState(call, [...(await services.changes.find({ callId: call._id, seq: { $lt: seq } }).sort({ seq: 1 }).lean()), doc]);
    await afterStatusChange(services, call, next);
    return next;
  }
  throw new AppError('CONFLICT', 'The call changed several times at this moment; try again.');
}

/**
 * Keeps the sweep's phase hint in step and drops the signals of a call that is
 * over. A stale hint is harmless: the sweep re-decides from the change log and
 * fixes it.
 */
async function afterStatusChange(services: Services, call: CallDoc, state: CallState): Promise<void> {
  const phase = phaseOf(state.status);
  if (phase !== call.phase) await services.calls.updateOne({ _id: call._id }, { $set: { phase } });
  // If the purge fails the signals stay in the stream, but no one can read them: reads need a live call.
  if (!isLive(state.status)) await services.signals.purge(call._id).catch((error) => services.logger.warn({ err: error, callId: call._id }, 'signal purge failed'));
}

/** Moves a call along its lifecycle as `actorId` (null: the system), or throws why it cannot. */
export async function transitionCall(services: Services, call: CallDoc, action: CallAction, actorId: string | null): Promise<CallView> {
  // A call past its ring timeout rang out, even if the sweep has not run yet:
  // record that first, so accepting it now is refused like any ended call.
  if (action !== 'MISS') {
    const state = await loadState(services, call);
    if (hasRungOut(call, state, services.clock())) await transitionCall(services, call, 'MISS', null);
  }
  const state = await appendChange(services, call, (current) => {
    const decision = decideTransition(action, call, current, actorId);
    if (!decision.ok) throw refuse(decision.refusal);
    const status = decision.value;
    const type = eventOfStatus[status]!;
    return {
      change: { by: actorId, status },
      events: (at) => [type.create({ callId: call._id, status, by: actorId, at: at.toISOString() }, actorId ?? call.callerId ?? undefined)],
    };
  });
  return { ...call, state };
}

/** Switches encryption as a participant; switching to the current value records nothing. */
export async function setEncryption(services: Services, call: CallDoc, actorId: string, enabled: boolean): Promise<CallView> {
  const state = await appendChange(services, call, (current) => {
    const decision = decideEncryption(call, current, actorId, enabled);
    if (!decision.ok) throw refuse(decision.refusal);
    if (!decision.value) return null;
    return {
      change: { by: actorId, encrypted: enabled },
      events: (at) => [callsEvents.encryptionChanged.create({ callId: call._id, enabled, changedBy: actorId, changedAt: at.toISOString() }, actorId)],
    };
  });
  return { ...call, state };
}

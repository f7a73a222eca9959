import type { CallChangeDoc } from '../models/callChangeModel';
import type { CallDoc, CallPhase, CallStatus } from '../models/callModel';

export interface EncryptionChange {
  enabled: boolean;
  changedBy: string | null;
  changedAt: Date;
}

export interface CallState {
  status: CallStatus;
  acceptedAt: Date | null;
  endedAt: Date | null;
  encryption: { enabled: boolean; changedAt: Date; history: EncryptionChange[] };
  /** Sequence number of the last change; the next change must take lastSeq + 1. */
  lastSeq: number;
}

type CallFacts = Pick<CallDoc, 'callerId' | 'calleeId' | 'participantIds' | 'startedAt' | 'ringingUntil' | 'encrypted' | 'status' | 'endedAt'>;
type Change = Pick<CallChangeDoc, 'seq' | 'at' | 'by' | 'status' | 'encrypted'>;

/** A call's state now: its start replayed with its changes in sequence order. */
export function deriveCallState(call: CallFacts, changes: readonly Change[]): CallState {
  // `?? false`, and the stored status below: calls from before the change log had neither encryption nor changes.
  const history: EncryptionChange[] = [{ enabled: call.encrypted ?? false, changedBy: call.callerId, changedAt: call.startedAt }];
  let status: CallStatus = call.status ?? 'RINGING';
  let acceptedAt: Date | null = null;
  let endedAt: Date | null = call.endedAt ?? null;
  let lastSeq = 0;
  for (const change of [...changes].sort((a, b) => a.seq - b.seq)) {
    lastSeq = change.seq;
    if (change.status) {
      status = change.status;
      if (status === 'ACTIVE') acceptedAt = change.at;
      else endedAt = change.at;
    }
    if (typeof change.encrypted === 'boolean') history.push({ enabled: change.encrypted, changedBy: change.by, changedAt: change.at });
  }
  const last = history[history.length - 1]!;
  return { status, acceptedAt, endedAt, encryption: { enabled: last.enabled, changedAt: last.changedAt, history }, lastSeq };
}

export const isLive = (status: CallStatus) => status === 'RINGING' || status === 'ACTIVE';

export const phaseOf = (status: CallStatus): CallPhase => (status === 'RINGING' || status === 'ACTIVE' ? status : 'CLOSED');

export type CallAction = 'ACCEPT' | 'DECLINE' | 'END' | 'MISS' | 'FAIL';

const transitions: Record<CallAction, { from: CallStatus[]; to: CallStatus; by: 'callee' | 'participant' | 'system'; verb: string }> = {
  ACCEPT: { from: ['RINGING'], to: 'ACTIVE', by: 'callee', verb: 'accepted' },
  DECLINE: { from: ['RINGING'], to: 'DECLINED', by: 'callee', verb: 'declined' },
  END: { from: ['RINGING', 'ACTIVE'], to: 'ENDED', by: 'participant', verb: 'ended' },
  MISS: { from: ['RINGING'], to: 'MISSED', by: 'system', verb: 'marked missed' },
  FAIL: { from: ['RINGING', 'ACTIVE'], to: 'FAILED', by: 'system', verb: 'marked failed' },
};

export type Refusal = { code: 'FORBIDDEN' | 'CONFLICT'; message: string };
export type Decision<T> = { ok: true; value: T } | { ok: false; refusal: Refusal };

/** Same words for "no such call" and "not yours", so call ids reveal nothing to outsiders. */
export const NOT_A_PARTICIPANT: Refusal = { code: 'FORBIDDEN', message: 'You can only do this on a call you take part in.' };

/** The status `action` leads to, or why it may not happen. `actorId` null is the system. */
export function decideTransition(action: CallAction, call: CallFacts, state: CallState, actorId: string | null): Decision<CallStatus> {
  const rule = transitions[action];
  if (actorId !== null) {
    if (!call.participantIds.includes(actorId)) return { ok: false, refusal: NOT_A_PARTICIPANT };
    if (rule.by === 'system') return { ok: false, refusal: { code: 'FORBIDDEN', message: `A call is only ${rule.verb} by the service.` } };
    if (rule.by === 'callee' && call.calleeId !== actorId) {
      return { ok: false, refusal: { code: 'FORBIDDEN', message: `Only the person being called can ${action === 'ACCEPT' ? 'accept' : 'decline'} the call.` } };
    }
  }
  if (!rule.from.includes(state.status)) {
    return {
      ok: false,
      refusal: { code: 'CONFLICT', message: `The call is ${state.status}; only a ${rule.from.join(' or ')} call can be ${rule.verb}.` },
    };
  }
  return { ok: true, value: rule.to };
}

/** Whether `actorId` may switch encryption to `enabled` now; `value: false` means it already is (nothing to record). */
export function decideEncryption(call: CallFacts, state: CallState, actorId: string, enabled: boolean): Decision<boolean> {
  if (!call.participantIds.includes(actorId)) return { ok: false, refusal: NOT_A_PARTICIPANT };
  if (!isLive(state.status)) {
    return { ok: false, refusal: { code: 'CONFLICT', message: `The call is ${state.status}; encryption can only change while it rings or is active.` } };
  }
  return { ok: true, value: state.encryption.enabled !== enabled };
}

/** A call still RINGING past its ring timeout has rung out, whether or not the sweep got to it yet. */
export const hasRungOut = (call: Pick<CallDoc, 'ringingUntil'>, state: CallState, now: Date) =>
  state.status === 'RINGING' && now.getTime() >= (call.ringingUntil?.getTime() ?? 0);

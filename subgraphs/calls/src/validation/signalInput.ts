import { badInput } from '@profile-graph/kit';
import type { CallSignalType } from '../generated/enums';

/** From the SDL (npm run codegen). */
export type { CallSignalType };


export interface CallSignalInput {
  type: CallSignalType;
  sdp?: string | null;
  candidate?: string | null;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
}

/** What is relayed: only the fields the signal type uses. */
export type CallSignalPayload =
  | { type: 'OFFER' | 'ANSWER'; sdp: string }
  | { type: 'ICE_CANDIDATE'; candidate: string; sdpMid: string | null; sdpMLineIndex: number | null };

/** Checks a signal against its type and the size cap; every problem names the field to fix. */
export function validateSignal(input: CallSignalInput, maxBytes: number): CallSignalPayload {
  let payload: CallSignalPayload;
  if (input.type === 'OFFER' || input.type === 'ANSWER') {
    if (!input.sdp) throw badInput('payload.sdp', `an ${input.type} needs the session description (sdp).`);
    if (input.candidate != null || input.sdpMid != null || input.sdpMLineIndex != null) {
      throw badInput('payload.candidate', `an ${input.type} carries sdp only; send ICE candidates as ICE_CANDIDATE signals.`);
    }
    payload = { type: input.type, sdp: input.sdp };
  } else {
    // An empty candidate is WebRTC's "end of candidates", so only null is missing.
    if (input.candidate == null) throw badInput('payload.candidate', 'an ICE_CANDIDATE needs the candidate line ("" for end of candidates).');
    if (input.sdp != null) throw badInput('payload.sdp', 'an ICE_CANDIDATE carries no sdp.');
    if (input.sdpMLineIndex != null && (!Number.isInteger(input.sdpMLineIndex) || input.sdpMLineIndex < 0 || input.sdpMLineIndex > 1023)) {
      throw badInput('payload.sdpMLineIndex', 'use a media line index from 0 to 1023.');
    }
    payload = { type: 'ICE_CANDIDATE', candidate: input.candidate, sdpMid: input.sdpMid ?? null, sdpMLineIndex: input.sdpMLineIndex ?? null };
  }
  const bytes = Buffer.byteLength(JSON.stringify(payload), 'utf8');
  if (bytes > maxBytes) throw badInput('payload', `is ${bytes} bytes; a signal may be at most ${maxBytes} bytes.`);
  return payload;
}

/** `after` of callSignals: the endCursor of a previous page, a stream sequence number. */
export function parseSignalCursor(after: string | null | undefined): number {
  if (after === null || after === undefined || after === '') return 0;
  if (!/^\d{1,15}$/.test(after)) throw badInput('after', 'is not a callSignals cursor; pass endCursor exactly as it was returned.');
  return Number(after);
}

import { Schema, type Connection, type Model } from 'mongoose';
import { outboxSchemaFields } from '@profile-graph/kit';
import type { CallKind, CallStatus } from '../generated/enums';

/** From the SDL (npm run codegen). */
export type { CallKind, CallStatus };

/** Where the call is, as a hint for the ring-out sweep only; the truth is the change log. */
export type CallPhase = 'RINGING' | 'ACTIVE' | 'CLOSED';

/**
 * What a call was when it started. Everything that happens afterwards is an
 * insert into `callChanges` (see callChangeModel), because inserts with a
 * unique `_id` are the only single-document write FerretDB 1.x makes atomic.
 */
export interface CallDoc {
  _id: string;
  /** null once that participant's account was deleted (anonymized). */
  callerId: string | null;
  calleeId: string | null;
  /** The (remaining) participants, for "calls of user X" queries with one index. */
  participantIds: string[];
  kind: CallKind;
  startedAt: Date;
  /** When a still-ringing call becomes MISSED. */
  ringingUntil: Date;
  /** Encryption the call started with; later toggles are changes. */
  encrypted: boolean;
  phase: CallPhase;
  anonymized?: boolean;
  /** Calls stored by the first slice (before the change log) kept their status and end on the document. */
  status?: CallStatus;
  endedAt?: Date | null;
}

const callSchema = new Schema<CallDoc>(
  {
    _id: { type: String, required: true },
    callerId: { type: String, default: null },
    calleeId: { type: String, default: null },
    participantIds: { type: [String], required: true },
    kind: { type: String, required: true, enum: ['AUDIO', 'VIDEO'] },
    startedAt: { type: Date, required: true },
    ringingUntil: { type: Date, required: true },
    encrypted: { type: Boolean, required: true },
    phase: { type: String, required: true },
    anonymized: { type: Boolean },
    status: { type: String },
    endedAt: { type: Date },
    ...outboxSchemaFields,
  },
  { collection: 'calls', versionKey: false },
);
callSchema.index({ participantIds: 1, startedAt: -1 });
callSchema.index({ phase: 1, ringingUntil: 1 });

export type CallModel = Model<CallDoc>;

export const callModel = (db: Connection): CallModel => db.model<CallDoc>('Call', callSchema);

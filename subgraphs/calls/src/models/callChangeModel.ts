import { Schema, type Connection, type Model } from 'mongoose';
import { outboxSchemaFields } from '@profile-graph/kit';
import type { CallStatus } from './callModel';

/**
 * One change of a call: a status transition or an encryption toggle, with its
 * events in the same insert. `_id` is `<callId>:<seq>`, so two concurrent
 * changes built on the same state collide on the unique `_id` and exactly one
 * is written (the loser re-reads and re-decides). This holds on FerretDB 1.x,
 * whose update and findAndModify read and then write by `_id` without
 * re-checking the filter, and across any number of instances.
 */
export interface CallChangeDoc {
  _id: string;
  callId: string;
  seq: number;
  at: Date;
  /** The participant who made the change; null for the system (ring-out, account deletion) or once anonymized. */
  by: string | null;
  status?: CallStatus;
  encrypted?: boolean;
}

const callChangeSchema = new Schema<CallChangeDoc>(
  {
    _id: { type: String, required: true },
    callId: { type: String, required: true },
    seq: { type: Number, required: true },
    at: { type: Date, required: true },
    by: { type: String, default: null },
    status: { type: String },
    encrypted: { type: Boolean },
    ...outboxSchemaFields,
  },
  { collection: 'callChanges', versionKey: false },
);
callChangeSchema.index({ callId: 1, seq: 1 });
callChangeSchema.index({ by: 1 });

export type CallChangeModel = Model<CallChangeDoc>;

export const callChangeModel = (db: Connection): CallChangeModel => db.model<CallChangeDoc>('CallChange', callChangeSchema);

export const callChangeId = (callId: string, seq: number) => `${callId}:${String(seq).padStart(6, '0')}`;

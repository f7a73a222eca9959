import { randomUUID } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import { outboxSchemaFields } from '@profile-graph/kit';

export type CallKind = 'AUDIO' | 'VIDEO';
export type CallStatus = 'RINGING' | 'ACTIVE' | 'ENDED' | 'MISSED' | 'DECLINED' | 'FAILED';

export interface CallDoc {
  _id: string;
  callerId: string;
  calleeId: string;
  /** Both participants, for "calls of user X" queries with one index. */
  participantIds: string[];
  kind: CallKind;
  status: CallStatus;
  startedAt: Date;
  endedAt: Date | null;
}

const callSchema = new Schema<CallDoc>(
  {
    _id: { type: String, default: () => randomUUID() },
    callerId: { type: String, required: true },
    calleeId: { type: String, required: true },
    participantIds: { type: [String], required: true },
    kind: { type: String, required: true, enum: ['AUDIO', 'VIDEO'] },
    status: { type: String, required: true },
    startedAt: { type: Date, required: true },
    endedAt: { type: Date, default: null },
    ...outboxSchemaFields,
  },
  { collection: 'calls', versionKey: false },
);
callSchema.index({ participantIds: 1, startedAt: -1 });

export type CallModel = Model<CallDoc>;

export const callModel = (db: Connection): CallModel => db.model<CallDoc>('Call', callSchema);

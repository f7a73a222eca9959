import { Schema, type Connection, type Model } from 'mongoose';
import { outboxSchemaFields } from '@profile-graph/kit';

/**
 * The minimal erasure record: that this user asked to be erased, and when.
 * Inserted once (the unique userId makes a repeated or concurrent request
 * find the first), never updated: FerretDB 1.x updates are not atomic across
 * processes, inserts with a unique key are. privacy.v1.erasure.requested
 * leaves through its outbox. It is all that is kept of the user afterwards.
 */
export interface PrivacyRequestDoc {
  _id: string;
  userId: string;
  kind: 'ERASURE';
  requestedAt: Date;
  /** requestedAt + PRIVACY_REQUEST_DUE_DAYS, fixed when asked (absent on requests from before due dates: derived). */
  dueAt?: Date;
}

const privacyRequestSchema = new Schema<PrivacyRequestDoc>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true, unique: true },
    kind: { type: String, required: true },
    requestedAt: { type: Date, required: true },
    dueAt: { type: Date },
    ...outboxSchemaFields,
  },
  { collection: 'privacy_requests', versionKey: false },
);

export type PrivacyRequestModel = Model<PrivacyRequestDoc>;

export const privacyRequestModel = (db: Connection): PrivacyRequestModel => db.model<PrivacyRequestDoc>('PrivacyRequest', privacyRequestSchema);

/** One subgraph's completion of one request: `_id` `<requestId>:<subgraph>`, inserted once per report (no user id). */
export interface PrivacyProgressDoc {
  _id: string;
  requestId: string;
  subgraph: string;
  completedAt: Date;
  removed: Record<string, number>;
}

const privacyProgressSchema = new Schema<PrivacyProgressDoc>(
  {
    _id: { type: String, required: true },
    requestId: { type: String, required: true, index: true },
    subgraph: { type: String, required: true },
    completedAt: { type: Date, required: true },
    removed: { type: Object, default: {} },
  },
  { collection: 'privacy_request_progress', versionKey: false, minimize: false },
);

export type PrivacyProgressModel = Model<PrivacyProgressDoc>;

export const privacyProgressModel = (db: Connection): PrivacyProgressModel => db.model<PrivacyProgressDoc>('PrivacyProgress', privacyProgressSchema);

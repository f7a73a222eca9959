import { Schema, type Connection, type Model } from 'mongoose';
import type { AccessLogEntry } from '@profile-graph/kit';

/** One granted read of a subject's gated field by someone else, as a subgraph reported it. `_id` is the entry id. */
export interface DataAccessDoc extends Omit<AccessLogEntry, 'id' | 'at'> {
  _id: string;
  at: Date;
}

const dataAccessSchema = new Schema<DataAccessDoc>(
  {
    _id: { type: String, required: true },
    viewerKind: { type: String, required: true },
    viewerId: { type: String, default: null },
    viewerOrgId: { type: String, default: null },
    subjectUserId: { type: String, required: true },
    field: { type: String, required: true },
    purpose: { type: String, required: true },
    subgraph: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'data_access_log', versionKey: false },
);
// The subject pages through their log newest first.
dataAccessSchema.index({ subjectUserId: 1, at: -1, _id: -1 });

export type DataAccessModel = Model<DataAccessDoc>;

export const dataAccessModel = (db: Connection): DataAccessModel => db.model<DataAccessDoc>('DataAccess', dataAccessSchema);

import { Schema, type Connection, type Model } from 'mongoose';
import type { AccessLogEntry } from '@profile-graph/kit';

/**
 * Reads of a subject's gated data by someone else, as a subgraph reported
 * them: every read by one viewer for one purpose within one flush window of
 * one subgraph (`fields`, `count`, `firstAt`, `at` = the last read). `_id` is
 * the entry id. Documents stored before aggregation have `field` instead of
 * `fields` and no `count` / `firstAt` (one read at `at`); read them through
 * `accessSummary`.
 */
export interface DataAccessDoc extends Pick<AccessLogEntry, 'viewerKind' | 'viewerId' | 'viewerOrgId' | 'subjectUserId' | 'purpose' | 'subgraph'> {
  _id: string;
  /** `Type.field`s read, sorted, each once (absent on documents stored before aggregation). */
  fields?: string[];
  /** Reads collapsed into this entry (absent: 1). */
  count?: number;
  /** The first read (absent: `at`). */
  firstAt?: Date;
  /** The last read (GraphQL `lastAt`). Kept under this name so old and new entries page and expire through one index. */
  at: Date;
  /** Documents stored before aggregation only: the one field read. */
  field?: string;
}

const dataAccessSchema = new Schema<DataAccessDoc>(
  {
    _id: { type: String, required: true },
    viewerKind: { type: String, required: true },
    viewerId: { type: String, default: null },
    viewerOrgId: { type: String, default: null },
    subjectUserId: { type: String, required: true },
    fields: { type: [String], default: undefined },
    count: { type: Number },
    firstAt: { type: Date },
    at: { type: Date, required: true },
    field: { type: String },
    purpose: { type: String, required: true },
    subgraph: { type: String, required: true },
  },
  { collection: 'data_access_log', versionKey: false },
);
// The subject pages through their log, newest last read first.
dataAccessSchema.index({ subjectUserId: 1, at: -1, _id: -1 });

export type DataAccessModel = Model<DataAccessDoc>;

export const dataAccessModel = (db: Connection): DataAccessModel => db.model<DataAccessDoc>('DataAccess', dataAccessSchema);

/** What a stored entry says, whichever shape it was stored in. */
export interface AccessSummary {
  fields: string[];
  count: number;
  firstAt: Date;
  lastAt: Date;
}

export function accessSummary(doc: Pick<DataAccessDoc, 'fields' | 'count' | 'firstAt' | 'at' | 'field'>): AccessSummary {
  return {
    fields: doc.fields?.length ? doc.fields : doc.field ? [doc.field] : [],
    count: doc.count ?? 1,
    firstAt: doc.firstAt ?? doc.at,
    lastAt: doc.at,
  };
}

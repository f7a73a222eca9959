import { Schema, type Connection, type Model } from 'mongoose';
import type { JobActivityKind } from '../generated/enums';

/** From the SDL (npm run codegen). */
export type { JobActivityKind };


/**
 * One view, save or application, kept for recommendations while
 * HIRING_RECOMMENDATIONS is granted. Insert-only (a fresh `_id` per entry),
 * so concurrent writers never race on one document; withdrawal deletes them all.
 */
export interface JobActivityDoc {
  _id: string;
  userId: string;
  jobId: string;
  kind: JobActivityKind;
  createdAt: Date;
  /** The HIRING_RECOMMENDATIONS consent version the writer saw granted (absent on entries from before it was kept). */
  consentVersion?: number;
}

const jobActivitySchema = new Schema<JobActivityDoc>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    jobId: { type: String, required: true },
    kind: { type: String, required: true },
    createdAt: { type: Date, required: true },
    consentVersion: { type: Number },
  },
  { collection: 'job_activity', versionKey: false },
);
jobActivitySchema.index({ userId: 1, createdAt: -1, _id: -1 });

export type JobActivityModel = Model<JobActivityDoc>;

export const jobActivityModel = (db: Connection): JobActivityModel => db.model<JobActivityDoc>('JobActivity', jobActivitySchema);

import { Schema, type Connection, type Model } from 'mongoose';
import { outboxSchemaFields } from '@profile-graph/kit';
import type { Seniority } from './hiringProfileModel';
import type { JobStatus } from '../generated/enums';

/** From the SDL (npm run codegen). */
export type { JobStatus };


export interface JobDoc {
  _id: string;
  organizationId: string;
  organizationName: string | null;
  title: string;
  /** Lower-case copy for case-insensitive search (FerretDB has no collations). */
  titleLower: string;
  description: string;
  location: string | null;
  locationLower: string | null;
  remote: boolean;
  skills: string[];
  seniority: Seniority | null;
  status: JobStatus;
  /** Who posted it: a member's user id, or a partner key id. */
  postedBy: { kind: 'user' | 'partner'; id: string };
  createdAt: Date;
  updatedAt: Date;
}

const jobSchema = new Schema<JobDoc>(
  {
    _id: { type: String, required: true },
    organizationId: { type: String, required: true },
    organizationName: { type: String, default: null },
    title: { type: String, required: true },
    titleLower: { type: String, required: true },
    description: { type: String, required: true },
    location: { type: String, default: null },
    locationLower: { type: String, default: null },
    remote: { type: Boolean, required: true },
    skills: { type: [String], default: [] },
    seniority: { type: String, default: null },
    status: { type: String, required: true },
    postedBy: { type: Object, required: true },
    ...outboxSchemaFields,
  },
  { collection: 'jobs', timestamps: true, versionKey: false },
);
jobSchema.index({ status: 1, createdAt: -1, _id: -1 });
jobSchema.index({ organizationId: 1, createdAt: -1 });
jobSchema.index({ skills: 1 });

export type JobModel = Model<JobDoc>;

export const jobModel = (db: Connection): JobModel => db.model<JobDoc>('Job', jobSchema);

import { Schema, type Connection, type Model } from 'mongoose';
import { outboxSchemaFields } from '@profile-graph/kit';

export interface ApplicationDoc {
  /** `<jobId>:<candidateId>`: one application per person and job, enforced by the primary key. */
  _id: string;
  jobId: string;
  /** The job's organization, copied so an employer's listing is one query on its own applications. */
  organizationId: string;
  candidateId: string;
  /** EMPLOYER_SHARING version granted when the application was sent; null when it was not granted then. */
  employerSharingConsentVersion: number | null;
  /** Set once, when the candidate withdraws; the organization then stops receiving the profile. */
  withdrawnAt?: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const applicationSchema = new Schema<ApplicationDoc>(
  {
    _id: { type: String, required: true },
    jobId: { type: String, required: true },
    organizationId: { type: String, required: true },
    candidateId: { type: String, required: true },
    employerSharingConsentVersion: { type: Number, default: null },
    withdrawnAt: { type: Date, default: undefined },
    ...outboxSchemaFields,
  },
  { collection: 'applications', timestamps: true, versionKey: false },
);
applicationSchema.index({ organizationId: 1, createdAt: -1, _id: -1 });
applicationSchema.index({ jobId: 1, createdAt: -1 });
applicationSchema.index({ candidateId: 1, createdAt: -1 });

export type ApplicationModel = Model<ApplicationDoc>;

export const applicationId = (jobId: string, candidateId: string) => `${jobId}:${candidateId}`;

export const applicationModel = (db: Connection): ApplicationModel => db.model<ApplicationDoc>('Application', applicationSchema);

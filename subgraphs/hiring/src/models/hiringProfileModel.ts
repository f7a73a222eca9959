import { Schema, type Connection, type Model } from 'mongoose';
import { outboxSchemaFields } from '@profile-graph/kit';
import type { Seniority } from '../generated/enums';

/** From the SDL (npm run codegen). */
export type { Seniority };


export interface EmploymentEntryDoc {
  employer: string;
  title: string;
  from?: string | null;
  to?: string | null;
  description?: string | null;
}

export interface EducationEntryDoc {
  institution: string;
  degree?: string | null;
  field?: string | null;
  from?: string | null;
  to?: string | null;
}

export interface JobPreferencesDoc {
  /** Lower-case, so search matches them without collations (FerretDB has none). */
  roles: string[];
  locations: string[];
  remote: boolean | null;
  seniority: Seniority[];
}

export interface HiringProfileDoc {
  /** The owner's user id: one profile per user. */
  _id: string;
  headline: string | null;
  skills: string[];
  /** Absent on profiles that never had any (FerretDB drops empty values from $setOnInsert). */
  employmentHistory?: EmploymentEntryDoc[];
  educationHistory?: EducationEntryDoc[];
  preferences?: JobPreferencesDoc;
  openToWork?: boolean;
  createdAt: Date;
  updatedAt: Date;
}

const hiringProfileSchema = new Schema<HiringProfileDoc>(
  {
    _id: { type: String, required: true },
    headline: { type: String, default: null },
    skills: { type: [String], default: [] },
    employmentHistory: { type: [Object], default: undefined },
    educationHistory: { type: [Object], default: undefined },
    preferences: { type: Object, default: undefined },
    openToWork: { type: Boolean, default: undefined },
    ...outboxSchemaFields,
  },
  { collection: 'hiring_profiles', timestamps: true, versionKey: false },
);
hiringProfileSchema.index({ skills: 1 });

export type HiringProfileModel = Model<HiringProfileDoc>;

export const hiringProfileModel = (db: Connection): HiringProfileModel => db.model<HiringProfileDoc>('HiringProfile', hiringProfileSchema);

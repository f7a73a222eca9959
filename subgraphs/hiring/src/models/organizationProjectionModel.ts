import { Schema, type Connection, type Model } from 'mongoose';

/**
 * What hiring knows of identity's organizations, from identity's events
 * (created, verified, member_added): enough to decide who may post jobs for
 * which organization without reading identity's database.
 */
export interface OrganizationProjectionDoc {
  _id: string;
  name?: string | null;
  verified?: boolean;
  members?: { userId: string; role: string }[];
  updatedAt?: Date;
}

const organizationProjectionSchema = new Schema<OrganizationProjectionDoc>(
  {
    _id: { type: String, required: true },
    name: { type: String, default: undefined },
    verified: { type: Boolean, default: undefined },
    members: { type: [Object], default: undefined },
    updatedAt: { type: Date, default: undefined },
  },
  { collection: 'organizations', versionKey: false },
);
organizationProjectionSchema.index({ 'members.userId': 1 });

export type OrganizationProjectionModel = Model<OrganizationProjectionDoc>;

export const organizationProjectionModel = (db: Connection): OrganizationProjectionModel =>
  db.model<OrganizationProjectionDoc>('OrganizationProjection', organizationProjectionSchema);

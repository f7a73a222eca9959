import { randomUUID } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import { outboxSchemaFields } from '@profile-graph/kit';
import type { OrganizationRole } from '../generated/enums';

/** From the SDL (npm run codegen). */
export type { OrganizationRole };


export interface OrganizationMemberDoc {
  userId: string;
  role: OrganizationRole;
  addedAt: Date;
}

/** A pending invitation: the invitee becomes a member only by accepting it. */
export interface OrganizationInvitationDoc {
  userId: string;
  role: OrganizationRole;
  invitedBy: string;
  invitedAt: Date;
}

/** An invitation as the API passes it on: with its organization's id (and the organization, when already read). */
export type OrganizationInvitationView = OrganizationInvitationDoc & { organizationId: string; organization?: OrganizationDoc };

/** The organization's trusted documents: which manifest version is current, and whether its partner keys are held to it. */
export interface OrganizationTrustedDocumentsDoc {
  version: number;
  enforced: boolean;
  updatedAt: Date;
}

/** Members live in the organization document: adding one and its event are one write, and a member check is one read. */
export interface OrganizationDoc {
  _id: string;
  name: string;
  verified: boolean;
  verifiedAt?: Date | null;
  members: OrganizationMemberDoc[];
  invitations?: OrganizationInvitationDoc[];
  trustedDocuments?: OrganizationTrustedDocumentsDoc;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

const memberSchema = new Schema<OrganizationMemberDoc>(
  { userId: { type: String, required: true }, role: { type: String, required: true }, addedAt: { type: Date, required: true } },
  { _id: false },
);

const organizationSchema = new Schema<OrganizationDoc>(
  {
    _id: { type: String, default: () => randomUUID() },
    name: { type: String, required: true },
    verified: { type: Boolean, required: true, default: false },
    verifiedAt: { type: Date, default: undefined },
    members: { type: [memberSchema], required: true },
    invitations: {
      type: [
        new Schema<OrganizationInvitationDoc>(
          { userId: { type: String, required: true }, role: { type: String, required: true }, invitedBy: { type: String, required: true }, invitedAt: { type: Date, required: true } },
          { _id: false },
        ),
      ],
      default: undefined,
    },
    trustedDocuments: {
      type: new Schema<OrganizationTrustedDocumentsDoc>(
        { version: { type: Number, required: true }, enforced: { type: Boolean, required: true }, updatedAt: { type: Date, required: true } },
        { _id: false },
      ),
      default: undefined,
    },
    createdBy: { type: String, required: true },
    ...outboxSchemaFields,
  },
  { collection: 'organizations', timestamps: true, versionKey: false },
);
organizationSchema.index({ 'members.userId': 1 });
organizationSchema.index({ 'invitations.userId': 1 });

export type OrganizationModel = Model<OrganizationDoc>;

export function organizationModel(db: Connection): OrganizationModel {
  return db.model<OrganizationDoc>('Organization', organizationSchema);
}

export function roleOf(organization: Pick<OrganizationDoc, 'members'>, userId: string | undefined): OrganizationRole | null {
  if (!userId) return null;
  return organization.members.find((member) => member.userId === userId)?.role ?? null;
}

import { Schema, type Connection, type Model } from 'mongoose';
import type { TrustedOperation } from '@profile-graph/kit';

/**
 * One uploaded version of an organization's trusted documents. Versions are
 * kept (an operator can tell what a key could run when); the organization
 * document points at the current one. `_id` is `<organizationId>:<version>`,
 * so two concurrent uploads of the same next version collide on the key.
 */
export interface TrustedDocumentManifestDoc {
  _id: string;
  organizationId: string;
  version: number;
  operations: TrustedOperation[];
  createdAt: Date;
}

const operationSchema = new Schema<TrustedOperation>(
  { id: { type: String, required: true }, name: { type: String, required: true }, textHash: { type: String, required: true }, body: { type: String, required: true } },
  { _id: false },
);

const manifestSchema = new Schema<TrustedDocumentManifestDoc>(
  {
    _id: { type: String, required: true },
    organizationId: { type: String, required: true },
    version: { type: Number, required: true },
    operations: { type: [operationSchema], required: true },
  },
  { collection: 'trusted_document_manifests', timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
manifestSchema.index({ organizationId: 1, version: -1 });

export type TrustedDocumentManifestModel = Model<TrustedDocumentManifestDoc>;

export function trustedDocumentManifestModel(db: Connection): TrustedDocumentManifestModel {
  return db.model<TrustedDocumentManifestDoc>('TrustedDocumentManifest', manifestSchema);
}

export const manifestId = (organizationId: string, version: number) => `${organizationId}:${version}`;

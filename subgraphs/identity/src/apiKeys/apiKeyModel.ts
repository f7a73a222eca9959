import { randomUUID } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import { outboxSchemaFields } from '@profile-graph/kit';
import type { ApiKeyScope } from './apiKeyScopes';

export interface ApiKeyDoc {
  _id: string;
  organizationId: string;
  name: string;
  /** SHA-256 (hex) of the secret; the secret itself is never stored. */
  secretHash: string;
  prefix: string;
  scopes: ApiKeyScope[];
  expiresAt?: Date | null;
  lastUsedAt?: Date | null;
  rotatedAt?: Date | null;
  revokedAt?: Date | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

const apiKeySchema = new Schema<ApiKeyDoc>(
  {
    _id: { type: String, default: () => randomUUID() },
    organizationId: { type: String, required: true, index: true },
    name: { type: String, required: true },
    secretHash: { type: String, required: true, unique: true },
    prefix: { type: String, required: true },
    scopes: { type: [String], required: true },
    expiresAt: { type: Date, default: undefined },
    lastUsedAt: { type: Date, default: undefined },
    rotatedAt: { type: Date, default: undefined },
    revokedAt: { type: Date, default: undefined },
    createdBy: { type: String, required: true },
    ...outboxSchemaFields,
  },
  { collection: 'api_keys', timestamps: true, versionKey: false },
);

export type ApiKeyModel = Model<ApiKeyDoc>;

export function apiKeyModel(db: Connection): ApiKeyModel {
  return db.model<ApiKeyDoc>('ApiKey', apiKeySchema);
}

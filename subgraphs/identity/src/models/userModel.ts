import { randomUUID } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import { outboxSchemaFields } from '@profile-graph/kit';

export interface UserDoc {
  _id: string;
  handle: string;
  /** Lower-cased handle: a unique index here makes handles unique case-insensitively (no collations on FerretDB). */
  handleLower: string;
  displayName: string;
  /** E.164; absent until the user adds one. */
  phoneNumber?: string | null;
  passwordHash: string;
  createdAt: Date;
  updatedAt: Date;
}

const userSchema = new Schema<UserDoc>(
  {
    _id: { type: String, default: () => randomUUID() },
    handle: { type: String, required: true },
    handleLower: { type: String, required: true, unique: true },
    displayName: { type: String, required: true },
    phoneNumber: { type: String, default: undefined },
    passwordHash: { type: String, required: true, select: false },
    ...outboxSchemaFields,
  },
  { collection: 'users', timestamps: true, versionKey: false },
);

export type UserModel = Model<UserDoc>;

export function userModel(db: Connection): UserModel {
  return db.model<UserDoc>('User', userSchema);
}

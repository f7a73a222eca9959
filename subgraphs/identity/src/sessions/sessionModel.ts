import { Schema, type Connection, type Model } from 'mongoose';
import { outboxSchemaFields } from '@profile-graph/kit';

/**
 * One sign-in and every refresh token it has been given (a token family).
 * All of it lives in one document so that rotating a token, detecting the
 * reuse of an old one and revoking the family are each a single atomic write
 * (FerretDB 1.x has no transactions).
 */
export interface SessionDoc {
  _id: string;
  userId: string;
  /** SHA-256 (hex) of the one refresh token that may be traded next. */
  refreshHash: string;
  /** Hashes of tokens already traded: presenting one again means it was copied. */
  usedHashes: string[];
  /** The refresh token (and so the session) cannot be traded after this. */
  expiresAt: Date;
  revokedAt?: Date | null;
  revokedReason?: 'signed_out' | 'reuse_detected' | null;
  createdAt: Date;
  updatedAt: Date;
}

const sessionSchema = new Schema<SessionDoc>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true, index: true },
    refreshHash: { type: String, required: true },
    usedHashes: { type: [String], default: undefined },
    expiresAt: { type: Date, required: true },
    revokedAt: { type: Date, default: undefined },
    revokedReason: { type: String, default: undefined },
    ...outboxSchemaFields,
  },
  { collection: 'sessions', timestamps: true, versionKey: false },
);

export type SessionModel = Model<SessionDoc>;

export function sessionModel(db: Connection): SessionModel {
  return db.model<SessionDoc>('Session', sessionSchema);
}

import { Schema, type Connection, type Model } from 'mongoose';

/**
 * Calls' own projection of identity's users (id and handle only), fed by
 * identity events: calls never reads identity's database, and never holds a
 * phone number. A deleted user stays as a tombstone (`deletedAt`, handle
 * released) so a late `user.created` redelivery cannot bring them back.
 */
export interface CallUserDoc {
  _id: string;
  /** The handle, lower-cased; `released:<id>` while another user's newer claim holds it (identity never allows `:`). */
  handleLower: string;
  /** identity's profileVersion of the applied change (events from before versions count as 1). */
  profileVersion?: number;
  /** When that change happened: breaks version ties, and says whose claim on a handle is newer. */
  profileAt?: Date;
  deletedAt?: Date;
}

const callUserSchema = new Schema<CallUserDoc>(
  {
    _id: { type: String, required: true },
    handleLower: { type: String, required: true, unique: true },
    profileVersion: { type: Number },
    profileAt: { type: Date },
    deletedAt: { type: Date },
  },
  { collection: 'users', versionKey: false },
);

export type CallUserModel = Model<CallUserDoc>;

export const callUserModel = (db: Connection): CallUserModel => db.model<CallUserDoc>('CallUser', callUserSchema);


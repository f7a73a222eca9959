import { Schema, type Connection, type Model } from 'mongoose';
import type { WhoCanCall } from '../generated/enums';

/** From the SDL (npm run codegen). */
export type { WhoCanCall };


/** A user's own rules for who may call them. Absent document: the configured default, empty lists. */
export interface CallPrivacyDoc {
  _id: string;
  whoCanCall?: WhoCanCall;
  /** Contacts: the only callers allowed in CONTACTS mode. */
  allowed?: string[];
  /** Never allowed, whatever the mode. */
  blocked?: string[];
}

const callPrivacySchema = new Schema<CallPrivacyDoc>(
  { _id: { type: String, required: true }, whoCanCall: { type: String }, allowed: { type: [String], default: undefined }, blocked: { type: [String], default: undefined } },
  { collection: 'callPrivacy', versionKey: false },
);

export type CallPrivacyModel = Model<CallPrivacyDoc>;

export const callPrivacyModel = (db: Connection): CallPrivacyModel => db.model<CallPrivacyDoc>('CallPrivacy', callPrivacySchema);

import { Schema, type Connection, type Model } from 'mongoose';

/**
 * Whether identity says a user is verified, as last reported by an identity
 * event. `eventAt` orders the events, so a redelivered or late older event
 * never overwrites a newer one. No document: unverified.
 */
export interface CallerVerificationDoc {
  _id: string;
  verified: boolean;
  eventAt: Date;
}

const callerVerificationSchema = new Schema<CallerVerificationDoc>(
  { _id: { type: String, required: true }, verified: { type: Boolean, required: true }, eventAt: { type: Date, required: true } },
  { collection: 'callerVerifications', versionKey: false },
);

export type CallerVerificationModel = Model<CallerVerificationDoc>;

export const callerVerificationModel = (db: Connection): CallerVerificationModel =>
  db.model<CallerVerificationDoc>('CallerVerification', callerVerificationSchema);

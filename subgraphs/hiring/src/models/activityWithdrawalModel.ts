import { Schema, type Connection, type Model } from 'mongoose';

/**
 * The newest HIRING_RECOMMENDATIONS withdrawal hiring has purged for a user: its consent version and time.
 * Written by the purge before it deletes, and checked by every activity write after it inserts, so a write by
 * an instance whose consent projection has not yet seen the withdrawal is removed again (see recordActivity).
 * One document per user (`_id` = user id); erasure deletes it.
 */
export interface ActivityWithdrawalDoc {
  _id: string;
  version: number;
  at: Date;
}

const activityWithdrawalSchema = new Schema<ActivityWithdrawalDoc>(
  {
    _id: { type: String, required: true },
    version: { type: Number, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'activity_withdrawals', versionKey: false },
);

export type ActivityWithdrawalModel = Model<ActivityWithdrawalDoc>;

export const activityWithdrawalModel = (db: Connection): ActivityWithdrawalModel =>
  (db.models.ActivityWithdrawal as ActivityWithdrawalModel | undefined) ?? db.model<ActivityWithdrawalDoc>('ActivityWithdrawal', activityWithdrawalSchema);

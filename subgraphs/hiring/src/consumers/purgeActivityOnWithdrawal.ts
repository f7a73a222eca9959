import { isDuplicateKeyError, parseConsentSnapshot, consentEvents, defineConsumer, type ConsumeOptions, type ConsentLookup } from '@profile-graph/kit';
import type { ActivityWithdrawalModel } from '../models/activityWithdrawalModel';
import type { JobActivityModel } from '../models/jobActivityModel';

/**
 * Withdrawing HIRING_RECOMMENDATIONS deletes the job-search activity kept
 * for it. One shared durable: each withdrawal is handled once per service,
 * whichever instance gets it, and survives restarts. A redelivered old
 * withdrawal after a newer grant deletes only what predates the withdrawal.
 *
 * The purge cannot be outrun by another instance: it first records the
 * withdrawal's version (activity_withdrawals, only ever raised), then
 * deletes; every activity write checks that record after its insert and
 * removes its entry when it was made under an older grant (recordActivity).
 * Either the write's check sees the record, or the write landed before the
 * record and the deletion after it removes it.
 */
export function purgeActivityOnWithdrawal(activity: JobActivityModel, withdrawals: ActivityWithdrawalModel, consent: Pick<ConsentLookup, 'isGranted'>): ConsumeOptions {
  return defineConsumer({
    stream: 'CONSENT',
    durable: 'hiring-consent-withdrawn',
    events: [consentEvents.consentWithdrawn],
    handler: async (event) => {
      const snapshot = parseConsentSnapshot(event.data);
      if (!snapshot || snapshot.purpose !== 'HIRING_RECOMMENDATIONS' || snapshot.status !== 'WITHDRAWN') return;
      try {
        await withdrawals.updateOne(
          { _id: snapshot.userId, version: { $lt: snapshot.version } },
          { $set: { version: snapshot.version, at: new Date(snapshot.updatedAt) } },
          { upsert: true },
        );
      } catch (error) {
        // A newer withdrawal is recorded: the filter missed and the upsert hit its _id.
        if (!isDuplicateKeyError(error)) throw error;
      }
      const regranted = consent.isGranted(snapshot.userId, 'HIRING_RECOMMENDATIONS');
      // After a newer grant, what was written under it stays: entries of an older grant go, and entries from
      // before versions were kept by time.
      const older = { $or: [{ consentVersion: { $lt: snapshot.version } }, { consentVersion: { $exists: false }, createdAt: { $lte: new Date(snapshot.updatedAt) } }] };
      await activity.deleteMany({ userId: snapshot.userId, ...(regranted ? older : {}) });
    },
  });
}

import { parseConsentSnapshot, type ConsumeOptions, type ConsentLookup, type EventEnvelope } from '@profile-graph/kit';
import type { JobActivityModel } from '../models/jobActivityModel';

/**
 * Withdrawing HIRING_RECOMMENDATIONS deletes the job-search activity kept
 * for it. One shared durable: each withdrawal is handled once per service,
 * whichever instance gets it, and survives restarts. A redelivered old
 * withdrawal after a newer grant deletes only what predates the withdrawal.
 */
export function purgeActivityOnWithdrawal(activity: JobActivityModel, consent: Pick<ConsentLookup, 'isGranted'>): ConsumeOptions {
  return {
    stream: 'CONSENT',
    durable: 'hiring-consent-withdrawn',
    filterSubjects: ['consent.v1.consent.withdrawn'],
    handler: async (event: EventEnvelope) => {
      const snapshot = parseConsentSnapshot(event.data);
      if (!snapshot || snapshot.purpose !== 'HIRING_RECOMMENDATIONS' || snapshot.status !== 'WITHDRAWN') return;
      const regranted = consent.isGranted(snapshot.userId, 'HIRING_RECOMMENDATIONS');
      await activity.deleteMany({ userId: snapshot.userId, ...(regranted ? { createdAt: { $lte: new Date(snapshot.updatedAt) } } : {}) });
    },
  };
}

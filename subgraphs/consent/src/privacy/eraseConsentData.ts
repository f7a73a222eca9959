import type { EventBus, OutboxRelay } from '@profile-graph/kit';
import type { ConsentLedgerModel } from '../models/consentLedgerModel';
import type { ConsentStateModel } from '../models/consentStateModel';
import type { DataAccessModel } from '../models/dataAccessModel';

/**
 * consent's step of the erasure saga: the user's consent states and ledger entries,
 * their access log, and their last-value consent snapshots on the
 * CONSENT_STATE stream (so no instance rebuilds a projection entry for them
 * on restart). Where the user read someone else's data, that entry belongs
 * to the other person's log and stays, without the user's id. The erasure
 * request itself stays as the minimal record. Repeatable.
 */
export async function eraseConsentData(deps: { states: ConsentStateModel; ledger: ConsentLedgerModel; accessLog: DataAccessModel; relay: OutboxRelay; bus: EventBus }, userId: string): Promise<Record<string, number>> {
  // Pending consent events leave before their documents go.
  await deps.relay.flush();
  if (await deps.states.exists({ userId, '_outbox.0': { $exists: true } })) throw new Error('consent events not yet published; will retry');
  const consentStates = (await deps.states.deleteMany({ userId })).deletedCount;
  const ledgerEntries = (await deps.ledger.deleteMany({ userId })).deletedCount;
  const accessLog = (await deps.accessLog.deleteMany({ subjectUserId: userId })).deletedCount;
  const readsByUser = (await deps.accessLog.updateMany({ viewerKind: 'user', viewerId: userId }, { $set: { viewerId: null } })).modifiedCount;
  const jsm = await deps.bus.nc.jetstreamManager();
  const { purged } = await jsm.streams.purge('CONSENT_STATE', { filter: `consent.v1.state.${userId}.>` });
  return { consentStates, consentLedgerEntries: ledgerEntries, accessLogEntries: accessLog, readsOfOthersAnonymized: readsByUser, consentSnapshotsPurged: purged };
}

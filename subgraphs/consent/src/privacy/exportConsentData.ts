import { consentPurposes, exportConsentProjection, type ExportItem, type ExportRecipient, type ExportSection } from '@profile-graph/kit';
import type { Connection } from 'mongoose';
import { readConsentLedger } from '../ledger/readConsentLedger';
import type { ConsentLedgerModel } from '../models/consentLedgerModel';
import type { ConsentStateModel } from '../models/consentStateModel';
import { accessSummary, type DataAccessDoc, type DataAccessModel } from '../models/dataAccessModel';
import type { PrivacyRequestModel } from './privacyRequestModels';

/**
 * Who read the data: an organization's API key, another person (not named), or a service.
 * One recipient per field read, at the last read of the entry.
 */
export function accessRecipients(entry: Pick<DataAccessDoc, 'viewerKind' | 'viewerId' | 'viewerOrgId' | 'fields' | 'field' | 'count' | 'firstAt' | 'at'>): ExportRecipient[] {
  const at = entry.at.toISOString();
  const who: Omit<ExportRecipient, 'what' | 'at'> =
    entry.viewerKind === 'partner'
      ? entry.viewerOrgId
        ? { kind: 'ORGANIZATION', id: entry.viewerOrgId }
        : { kind: 'PARTNER_KEY', id: entry.viewerId }
      : entry.viewerKind === 'service'
        ? { kind: 'SERVICE' }
        : { kind: 'USER' };
  return accessSummary(entry).fields.map((what) => ({ ...who, what, at }));
}

/**
 * consent's part of a user's export: every consent decision with its ledger
 * (policy version, method, origin, receipt id), every read of their gated
 * data by someone else (the recipients), and their privacy requests.
 */
export async function exportConsentData(
  deps: { db: Connection; states: ConsentStateModel; ledger: ConsentLedgerModel; accessLog: DataAccessModel; privacyRequests: PrivacyRequestModel; accessLogDays: number },
  userId: string,
): Promise<ExportSection> {
  const items: ExportItem[] = [];
  const ledger = await readConsentLedger(deps, userId);
  for (const state of await deps.states.find({ userId }).select({ ledger: 0, lastEntry: 0 }).lean()) {
    items.push({
      collection: 'consent_states',
      kind: 'consent decision',
      retention: 'while your account exists (the ledger is the record that you consented, GDPR Art. 7(1)); deleted when you erase it',
      purpose: state.purpose,
      // Who may receive data under this consent while it stands: processors by name; the rest is in `data.recipients`.
      recipients: state.status === 'GRANTED' ? (consentPurposes[state.purpose]?.processors ?? []).map((processor) => ({ kind: 'PROCESSOR' as const, name: processor.name, what: processor.receives })) : [],
      data: {
        purpose: state.purpose,
        dataUse: consentPurposes[state.purpose]?.dataUse ?? null,
        recipients: consentPurposes[state.purpose]?.recipientsDescription ?? null,
        processors: consentPurposes[state.purpose]?.processors ?? [],
        status: state.status,
        policyVersion: state.policyVersion,
        version: state.version,
        updatedAt: state.updatedAt,
      },
    });
    // The ledger is its own collection (one document per decision): one item per purpose, oldest first.
    items.push({
      collection: 'consent_ledger',
      kind: 'consent ledger: every grant and withdrawal, with notice version, method, origin and receipt id',
      retention: 'while your account exists (the ledger is the record that you consented, GDPR Art. 7(1)); deleted when you erase it',
      purpose: state.purpose,
      recipients: [],
      data: {
        purpose: state.purpose,
        ledger: ledger.filter((entry) => entry.purpose === state.purpose).map(({ userId: _user, purpose: _purpose, ...entry }) => entry),
      },
    });
  }
  for (const entry of await deps.accessLog.find({ subjectUserId: userId }).sort({ at: 1 }).lean()) {
    const { fields, count, firstAt, lastAt } = accessSummary(entry);
    items.push({
      collection: 'data_access_log',
      kind: 'reads of your consent-gated data by someone else',
      retention: `${deps.accessLogDays} days after the read it records (RETENTION_ACCESS_LOG_DAYS); deleted when you erase your account`,
      purpose: entry.purpose,
      recipients: accessRecipients(entry),
      data: { id: entry._id, fields, count, purpose: entry.purpose, subgraph: entry.subgraph, viewerKind: entry.viewerKind.toUpperCase(), firstAt, lastAt },
    });
  }
  for (const request of await deps.privacyRequests.find({ userId }).lean()) {
    items.push({ collection: 'privacy_requests', kind: 'privacy request', purpose: 'essential.service', retention: 'kept after an erasure as its minimal record (request id, your id, time)', recipients: [], data: { id: request._id, kind: request.kind, requestedAt: request.requestedAt } });
  }
  items.push(...(await exportConsentProjection(deps.db, userId)));
  return { subgraph: 'consent', items, notes: ['People who read your data are listed as USER without their id (they are data subjects too); organizations are named.'] };
}

import { consentPurposes, exportConsentProjection, type ExportItem, type ExportRecipient, type ExportSection } from '@profile-graph/kit';
import type { Connection } from 'mongoose';
import type { ConsentStateModel } from '../models/consentStateModel';
import type { DataAccessDoc, DataAccessModel } from '../models/dataAccessModel';
import type { PrivacyRequestModel } from './privacyRequestModels';

/** Who read the data: an organization's API key, another person (not named), or a service. */
export function accessRecipient(entry: Pick<DataAccessDoc, 'viewerKind' | 'viewerId' | 'viewerOrgId' | 'field' | 'at'>): ExportRecipient {
  const at = entry.at.toISOString();
  if (entry.viewerKind === 'partner') {
    return entry.viewerOrgId
      ? { kind: 'ORGANIZATION', id: entry.viewerOrgId, what: entry.field, at }
      : { kind: 'PARTNER_KEY', id: entry.viewerId, what: entry.field, at };
  }
  if (entry.viewerKind === 'service') return { kind: 'SERVICE', what: entry.field, at };
  return { kind: 'USER', what: entry.field, at };
}

/**
 * consent's part of a user's export: every consent decision with its ledger
 * (policy version, method, origin, receipt id), every read of their gated
 * data by someone else (the recipients), and their privacy requests.
 */
export async function exportConsentData(
  deps: { db: Connection; states: ConsentStateModel; accessLog: DataAccessModel; privacyRequests: PrivacyRequestModel },
  userId: string,
): Promise<ExportSection> {
  const items: ExportItem[] = [];
  for (const state of await deps.states.find({ userId }).lean()) {
    items.push({
      collection: 'consent_states',
      kind: 'consent decision and its ledger',
      purpose: state.purpose,
      recipients: [],
      data: {
        purpose: state.purpose,
        dataUse: consentPurposes[state.purpose]?.dataUse ?? null,
        status: state.status,
        policyVersion: state.policyVersion,
        version: state.version,
        updatedAt: state.updatedAt,
        ledger: state.ledger,
      },
    });
  }
  for (const entry of await deps.accessLog.find({ subjectUserId: userId }).sort({ at: 1 }).lean()) {
    items.push({
      collection: 'data_access_log',
      kind: 'read of your consent-gated data by someone else',
      purpose: entry.purpose,
      recipients: [accessRecipient(entry)],
      data: { id: entry._id, field: entry.field, purpose: entry.purpose, subgraph: entry.subgraph, viewerKind: entry.viewerKind.toUpperCase(), at: entry.at },
    });
  }
  for (const request of await deps.privacyRequests.find({ userId }).lean()) {
    items.push({ collection: 'privacy_requests', kind: 'privacy request', purpose: 'essential.service', recipients: [], data: { id: request._id, kind: request.kind, requestedAt: request.requestedAt } });
  }
  items.push(...(await exportConsentProjection(deps.db, userId)));
  return { subgraph: 'consent', items, notes: ['People who read your data are listed as USER without their id (they are data subjects too); organizations are named.'] };
}

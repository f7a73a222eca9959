import { consentPurposes, exportConsentProjection, type ExportItem, type ExportSection } from '@profile-graph/kit';
import type { Connection } from 'mongoose';
import type { CallsServices } from '../callsServices';
import { deriveCallState } from '../lifecycle/callState';

const service = consentPurposes.CONTACT_DISCOVERY.dataUse;

/**
 * calls' part of a user's export: their call history (role, kind, times,
 * status, encryption, and each change with who made it), their call privacy
 * settings, the handle and verification calls knows them by. The other
 * participant of a call is another person: shown as such, never by id or
 * handle (GDPR Art. 15(4)); contact and block lists are given as counts for
 * the same reason. Signaling payloads (SDP/ICE) live only while a call does,
 * on the NATS stream, and are not exported.
 */
export async function exportCallsData(
  deps: Pick<CallsServices, 'calls' | 'changes' | 'users' | 'privacy' | 'verifications'> & { db: Connection; callHistoryDays: number },
  userId: string,
): Promise<ExportSection> {
  const history = `${deps.callHistoryDays} days after the call ended (RETENTION_CALL_HISTORY_DAYS); your id is removed from it when you erase your account`;
  const items: ExportItem[] = [];
  const who = (id: string | null) => (id === userId ? 'you' : id === null ? 'the system or a deleted account' : 'the other participant');
  const calls = await deps.calls.find({ participantIds: userId }).sort({ startedAt: 1 }).lean();
  const changes = await deps.changes.find({ callId: { $in: calls.map((call) => call._id) } }).lean();
  for (const call of calls) {
    const own = changes.filter((change) => change.callId === call._id);
    const state = deriveCallState(call, own);
    items.push({
      collection: 'calls',
      kind: 'call',
      retention: history,
      purpose: service,
      recipients: [{ kind: 'USER', what: 'the call itself (the other participant, not named here)' }],
      data: {
        callId: call._id,
        role: call.callerId === userId ? 'CALLER' : 'CALLEE',
        otherParticipant: call.participantIds.length > 1 ? 'another user' : 'a deleted account',
        kind: call.kind,
        startedAt: call.startedAt,
        status: state.status,
        acceptedAt: state.acceptedAt,
        endedAt: state.endedAt,
        encrypted: state.encryption.enabled,
      },
    });
    for (const change of own.sort((a, b) => a.seq - b.seq)) {
      items.push({
        collection: 'callChanges',
        kind: 'call change',
        retention: history,
        purpose: service,
        recipients: [],
        data: { callId: call._id, seq: change.seq, at: change.at, by: who(change.by), status: change.status ?? null, encrypted: change.encrypted ?? null },
      });
    }
  }
  const privacy = await deps.privacy.findById(userId).lean();
  if (privacy) {
    items.push({
      collection: 'callPrivacy',
      kind: 'who may call you',
      retention: 'while your account exists; deleted when you erase it (deleteMyAccount)',
      purpose: service,
      recipients: [],
      data: { whoCanCall: privacy.whoCanCall ?? null, allowedContacts: privacy.allowed?.length ?? 0, blockedUsers: privacy.blocked?.length ?? 0 },
    });
  }
  const user = await deps.users.findById(userId).lean();
  if (user) items.push({ collection: 'users', kind: 'handle calls are placed by', purpose: service, retention: 'while your account exists; deleted when you erase it (deleteMyAccount)', recipients: [], data: { handle: user.handleLower } });
  const verification = await deps.verifications.findById(userId).lean();
  if (verification) {
    items.push({
      collection: 'callerVerifications',
      kind: 'whether you are a verified caller (from identity)',
      retention: 'while your account exists; deleted when you erase it (deleteMyAccount)',
      purpose: 'essential.service.authentication',
      recipients: [{ kind: 'USER', what: 'people you call see a verified badge' }],
      data: { verified: verification.verified, since: verification.eventAt },
    });
  }
  items.push(...(await exportConsentProjection(deps.db, userId)));
  return {
    subgraph: 'calls',
    items,
    notes: [
      'The other participant of each call is another person and is not named; contact and block lists are given as counts.',
      'Signaling payloads are not stored in a database: they live on the event stream while the call does.',
    ],
  };
}

import { randomUUID } from 'node:crypto';
import { AppError, isDuplicateKeyError, outboxOnCreate, outboxOnUpdate, consentEvents, type ConsentPurpose, type RequestOrigin } from '@profile-graph/kit';
import { storeLedgerEntries, type ConsentLedgerModel } from '../models/consentLedgerModel';
import { consentStateId, type ConsentLedgerEntry, type ConsentStateDoc, type ConsentStateModel } from '../models/consentStateModel';

const MAX_ATTEMPTS = 5;
/** Bound on the entries remembered as copied per ledger (forgetting only costs a repeated, harmless insert). */
const REMEMBERED = 10_000;

/**
 * Per ledger model (so per database), the last entry this process copied for each
 * state document: the next decision there skips copying it again, one insert less
 * per decision. Keyed by version and time, so an entry written elsewhere (another
 * instance, a state recreated after an erasure) is still copied.
 */
const copied = new WeakMap<ConsentLedgerModel, Map<string, string>>();
const entryKey = (entry: ConsentLedgerEntry) => `${entry.version}@${new Date(entry.recordedAt).getTime()}`;

function rememberCopied(ledger: ConsentLedgerModel, stateId: string, entry: ConsentLedgerEntry): void {
  let byState = copied.get(ledger);
  if (!byState) copied.set(ledger, (byState = new Map()));
  if (byState.size >= REMEMBERED) byState.clear();
  byState.set(stateId, entryKey(entry));
}

const isCopied = (ledger: ConsentLedgerModel, stateId: string, entry: ConsentLedgerEntry) => copied.get(ledger)?.get(stateId) === entryKey(entry);

export interface ConsentDecision {
  userId: string;
  purpose: ConsentPurpose;
  status: ConsentLedgerEntry['status'];
  policyVersion: string | null;
  method: ConsentLedgerEntry['method'];
  writtenRelease?: ConsentLedgerEntry['writtenRelease'];
  origin?: RequestOrigin | null;
  jurisdiction?: string | null;
}

/** The current state a decision leaves, without the ledger. */
export type ConsentStateView = Pick<ConsentStateDoc, '_id' | 'userId' | 'purpose' | 'status' | 'policyVersion' | 'version' | 'updatedAt'>;

/**
 * Records a decision and moves the current state, in one write per attempt
 * guarded by the version read (optimistic concurrency): two concurrent
 * decisions cannot both claim the same version. That write carries the
 * decision's ledger entry (`lastEntry`) and its events (the domain event and
 * the last-value state snapshot leave through the document's outbox); the
 * entry is then stored in the insert-only ledger collection. The entry it
 * replaces is stored there first, so an entry whose copy was cut short (a
 * crash between the two writes) is not lost.
 */
export async function recordConsentDecision(
  deps: { states: ConsentStateModel; ledger: ConsentLedgerModel },
  decision: ConsentDecision,
  now = new Date(),
): Promise<ConsentStateView> {
  const { states, ledger } = deps;
  const _id = consentStateId(decision.userId, decision.purpose);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const current = await states.findById(_id).select({ version: 1, lastEntry: 1, ledger: 1 }).lean();
    const version = (current?.version ?? 0) + 1;
    const entry: ConsentLedgerEntry = {
      version,
      status: decision.status,
      policyVersion: decision.policyVersion,
      method: decision.method,
      writtenRelease: decision.writtenRelease ?? null,
      origin: decision.origin ?? null,
      jurisdiction: decision.jurisdiction ?? null,
      // Minted per attempt: only the attempt that wins the version write keeps it.
      receiptId: decision.status === 'GRANTED' ? randomUUID() : null,
      recordedAt: now,
    };
    const snapshot = { userId: decision.userId, purpose: decision.purpose, status: decision.status, version, policyVersion: decision.policyVersion, updatedAt: now.toISOString() };
    const events = [
      decision.status === 'GRANTED' ? consentEvents.consentGranted.create({ ...snapshot, status: 'GRANTED' }, decision.userId) : consentEvents.consentWithdrawn.create({ ...snapshot, status: 'WITHDRAWN' }, decision.userId),
      consentEvents.consentState.create(snapshot, decision.userId),
    ];
    const state = { status: decision.status, policyVersion: decision.policyVersion, version, updatedAt: now };
    try {
      if (!current) {
        await states.create({ _id, userId: decision.userId, purpose: decision.purpose, ...state, lastEntry: entry, ...outboxOnCreate(events) });
        await storeLedgerEntries(ledger, decision.userId, decision.purpose, [entry]);
        rememberCopied(ledger, _id, entry);
        return { _id, userId: decision.userId, purpose: decision.purpose, ...state };
      }
      // What this write replaces goes to the ledger first: the previous entry, and the whole
      // array of a document written before the ledger collection (dropped by this write).
      const previous = current.lastEntry && !isCopied(ledger, _id, current.lastEntry) ? [current.lastEntry] : [];
      await storeLedgerEntries(ledger, decision.userId, decision.purpose, [...(current.ledger ?? []), ...previous]);
      // updateOne, not findOneAndUpdate: FerretDB 1.x cannot project findAndModify results,
      // and mongoose projects away the select:false outbox fields.
      const change = current.ledger ? { $set: { ...state, lastEntry: entry }, $unset: { ledger: '' } } : { $set: { ...state, lastEntry: entry } };
      const { modifiedCount } = await states.updateOne({ _id, version: current.version }, outboxOnUpdate(events, change));
      // The version guard makes this write the state: answer from it, without reading it back
      // (one round trip less before the withdrawal is relayed).
      if (modifiedCount === 1) {
        await storeLedgerEntries(ledger, decision.userId, decision.purpose, [entry]);
        rememberCopied(ledger, _id, entry);
        return { _id, userId: decision.userId, purpose: decision.purpose, ...state };
      }
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }
  throw new AppError('CONFLICT', 'Consent changed concurrently; try again.');
}

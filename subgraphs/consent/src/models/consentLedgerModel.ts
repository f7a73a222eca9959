import { Schema, type Connection, type Model } from 'mongoose';
import { isDuplicateKeyError, type ConsentPurpose } from '@profile-graph/kit';
import type { ConsentLedgerEntry } from './consentStateModel';

/**
 * One consent decision, as recorded: insert-only, one document per decision,
 * `_id` `<userId>:<purpose>:<version>` (so a version is stored once however
 * often it is written). Kept out of the state document because on FerretDB 1.x
 * every update rewrites the whole document and every query that is not an
 * `_id` lookup reads every document in full: a ledger array there made each
 * decision, relay pass and `consents` read slower as decisions piled up
 * (issue 19).
 */
export interface ConsentLedgerDoc extends ConsentLedgerEntry {
  _id: string;
  userId: string;
  purpose: ConsentPurpose;
}

const consentLedgerSchema = new Schema<ConsentLedgerDoc>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    purpose: { type: String, required: true },
    version: { type: Number, required: true },
    status: { type: String, required: true },
    policyVersion: { type: String, default: null },
    method: { type: String, required: true },
    writtenRelease: { type: Object, default: null },
    origin: { type: Object, default: null },
    jurisdiction: { type: String, default: null },
    receiptId: { type: String, default: null },
    recordedAt: { type: Date, required: true },
  },
  { collection: 'consent_ledger', versionKey: false },
);
// A user's history (consentHistory, receipts, export, erasure), in order.
consentLedgerSchema.index({ userId: 1, purpose: 1, version: 1 });

export type ConsentLedgerModel = Model<ConsentLedgerDoc>;

export const consentLedgerId = (userId: string, purpose: ConsentPurpose, version: number) => `${userId}:${purpose}:${version}`;

export const consentLedgerModel = (db: Connection): ConsentLedgerModel => db.model<ConsentLedgerDoc>('ConsentLedger', consentLedgerSchema);

/** Stores entries of one user's purpose; entries stored before (a retry, a repeated hand-over) are left as they are. */
export async function storeLedgerEntries(ledger: ConsentLedgerModel, userId: string, purpose: ConsentPurpose, entries: ConsentLedgerEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const docs = entries.map((entry) => ({ ...entry, _id: consentLedgerId(userId, purpose, entry.version), userId, purpose }));
  try {
    await ledger.insertMany(docs, { ordered: false });
  } catch (error) {
    const writeErrors = (error as { writeErrors?: unknown }).writeErrors;
    const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
    const onlyDuplicates = list.length === 0 ? isDuplicateKeyError(error) : list.every((e: { code?: number; err?: { code?: number } }) => isDuplicateKeyError(e.code === undefined ? e.err : e));
    if (!onlyDuplicates) throw error;
  }
}

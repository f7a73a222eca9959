import { Schema, type Connection, type Model } from 'mongoose';
import { outboxSchemaFields, type ConsentPurpose, type RequestOrigin } from '@profile-graph/kit';

export type ConsentStatus = 'GRANTED' | 'WITHDRAWN';

/** One append-only ledger entry: what was decided, under which notice, how and when. */
export interface ConsentLedgerEntry {
  version: number;
  status: ConsentStatus;
  policyVersion: string | null;
  method: 'EXPLICIT_OPT_IN' | 'WRITTEN_RELEASE' | 'WITHDRAWAL';
  /**
   * The signed release, with what the signer was shown: the notice version and
   * that notice's text and retention term for the purpose (releases recorded
   * before the notice registry have only the name and time).
   */
  writtenRelease?: { signerName: string; signedAt: Date; noticeVersion?: string; purposeText?: string; retention?: string } | null;
  /** Client, truncated IP and user agent the decision came from, as forwarded by the gateway. */
  origin?: RequestOrigin | null;
  /** ISO 3166 code of the jurisdiction the decision was made under (e.g. US-IL, DE). */
  jurisdiction?: string | null;
  /** Grants only: the id of the consent receipt issued for this entry. */
  receiptId?: string | null;
  recordedAt: Date;
}

/**
 * Current consent of one user for one purpose. `version` grows by one per
 * decision; consumers keep only the highest they have seen. The ledger is the
 * consent_ledger collection (consentLedgerModel); the latest decision's entry
 * also rides here, as `lastEntry`, so that a decision, its entry and its events
 * are still one atomic write (FerretDB has no transactions): the entry is
 * copied to the ledger right after, and again by the next decision before it
 * replaces `lastEntry`, so no acknowledged entry exists only in memory. The
 * document stays the same size however many decisions are made (issue 19).
 */
export interface ConsentStateDoc {
  _id: string;
  userId: string;
  purpose: ConsentPurpose;
  status: ConsentStatus;
  policyVersion: string | null;
  version: number;
  updatedAt: Date;
  /** The entry of `version` (absent on documents written before the ledger collection). */
  lastEntry?: ConsentLedgerEntry | null;
  /** Documents written before the ledger collection only: their entries so far; moved out by the next decision. */
  ledger?: ConsentLedgerEntry[];
}

const consentStateSchema = new Schema<ConsentStateDoc>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true, index: true },
    purpose: { type: String, required: true },
    status: { type: String, required: true },
    policyVersion: { type: String, default: null },
    version: { type: Number, required: true },
    updatedAt: { type: Date, required: true },
    lastEntry: { type: Object, default: undefined },
    ledger: { type: [Object], default: undefined },
    ...outboxSchemaFields,
  },
  { collection: 'consent_states', versionKey: false },
);

export type ConsentStateModel = Model<ConsentStateDoc>;

export const consentStateId = (userId: string, purpose: ConsentPurpose) => `${userId}:${purpose}`;

export const consentStateModel = (db: Connection): ConsentStateModel => db.model<ConsentStateDoc>('ConsentState', consentStateSchema);

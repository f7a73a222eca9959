import { requireOwner, type ConsentPurpose } from '@profile-graph/kit';
import { readConsentLedger } from '../ledger/readConsentLedger';
import type { ConsentLedgerEntry } from '../models/consentStateModel';
import { buildConsentReceipt } from '../receipts/buildConsentReceipt';
import type { Resolvers } from '../generated/resolvers';

export interface ConsentRecord extends ConsentLedgerEntry {
  userId: string;
  purpose: ConsentPurpose;
}

export const consentRecordResolvers = {
  User: {
    consentHistory: async (user, args, context): Promise<ConsentRecord[]> => {
      requireOwner(context.viewer, user.id, 'consent history');
      const records = await readConsentLedger(context.services, user.id, args.purpose ?? undefined);
      return records.sort((a, b) => new Date(b.recordedAt).getTime() - new Date(a.recordedAt).getTime() || b.version - a.version);
    },
    consentReceipt: async (user, args, context) => {
      requireOwner(context.viewer, user.id, 'consent receipts');
      const entry = (await readConsentLedger(context.services, user.id)).find((candidate) => candidate.receiptId === args.id);
      return entry ? buildConsentReceipt(user.id, entry.purpose, entry, context.services.receiptController) : null;
    },
  },
  ConsentRecord: {
    origin: (record) => record.origin ?? null,
    jurisdiction: (record) => record.jurisdiction ?? null,
    writtenRelease: (record) => record.writtenRelease ?? null,
    receiptId: (record) => record.receiptId ?? null,
    receipt: (record, _, context) =>
      record.status === 'GRANTED' && record.receiptId ? buildConsentReceipt(record.userId, record.purpose, record, context.services.receiptController) : null,
  },
} satisfies Resolvers;

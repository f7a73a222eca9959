import { requireOwner, type ConsentPurpose } from '@profile-graph/kit';
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
      const filter = args.purpose ? { userId: user.id, purpose: args.purpose } : { userId: user.id };
      const states = await context.services.states.find(filter).select({ purpose: 1, ledger: 1 }).lean();
      const records = states.flatMap((state) => state.ledger.map((entry) => ({ ...entry, userId: user.id, purpose: state.purpose })));
      return records.sort((a, b) => new Date(b.recordedAt).getTime() - new Date(a.recordedAt).getTime() || b.version - a.version);
    },
    consentReceipt: async (user, args, context) => {
      requireOwner(context.viewer, user.id, 'consent receipts');
      const state = await context.services.states.findOne({ userId: user.id, 'ledger.receiptId': args.id }).select({ purpose: 1, ledger: 1 }).lean();
      const entry = state?.ledger.find((candidate) => candidate.receiptId === args.id);
      return state && entry ? buildConsentReceipt(user.id, state.purpose, entry, context.services.receiptController) : null;
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

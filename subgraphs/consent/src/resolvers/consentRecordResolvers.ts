import { AppError, type ConsentPurpose, type SubgraphContext } from '@profile-graph/kit';
import type { ConsentServices } from '../consentServices';
import type { ConsentLedgerEntry } from '../models/consentStateModel';
import { buildConsentReceipt } from '../receipts/buildConsentReceipt';
import type { Resolvers } from '../generated/resolvers';

type Context = SubgraphContext<ConsentServices>;

export interface ConsentRecord extends ConsentLedgerEntry {
  userId: string;
  purpose: ConsentPurpose;
}

/** Consent records, receipts and the access log belong to their subject alone. */
export function assertSubject(userId: string, context: Context, what: string): void {
  if (context.viewer.kind !== 'user' || context.viewer.userId !== userId) throw new AppError('FORBIDDEN', `Only the user can see their ${what}.`);
}

export const consentRecordResolvers = {
  User: {
    consentHistory: async (user, args, context): Promise<ConsentRecord[]> => {
      assertSubject(user.id, context, 'consent history');
      const filter = args.purpose ? { userId: user.id, purpose: args.purpose } : { userId: user.id };
      const states = await context.services.states.find(filter).select({ purpose: 1, ledger: 1 }).lean();
      const records = states.flatMap((state) => state.ledger.map((entry) => ({ ...entry, userId: user.id, purpose: state.purpose })));
      return records.sort((a, b) => new Date(b.recordedAt).getTime() - new Date(a.recordedAt).getTime() || b.version - a.version);
    },
    consentReceipt: async (user, args, context) => {
      assertSubject(user.id, context, 'consent receipts');
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

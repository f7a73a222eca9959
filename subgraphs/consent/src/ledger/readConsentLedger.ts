import type { ConsentPurpose } from '@profile-graph/kit';
import type { ConsentLedgerModel } from '../models/consentLedgerModel';
import type { ConsentLedgerEntry, ConsentStateModel } from '../models/consentStateModel';

export interface ConsentLedgerRecord extends ConsentLedgerEntry {
  userId: string;
  purpose: ConsentPurpose;
}

/**
 * A user's ledger (of one purpose, or all), oldest first per purpose: the
 * ledger collection, plus what state documents still hold that may not have
 * been copied there yet (the latest entry when its copy was cut short, the
 * array of a document written before the collection).
 */
export async function readConsentLedger(
  deps: { states: ConsentStateModel; ledger: ConsentLedgerModel },
  userId: string,
  purpose?: ConsentPurpose,
): Promise<ConsentLedgerRecord[]> {
  const filter = purpose ? { userId, purpose } : { userId };
  const [stored, states] = await Promise.all([
    deps.ledger.find(filter).select({ _id: 0 }).lean(),
    deps.states.find(filter).select({ purpose: 1, lastEntry: 1, ledger: 1 }).lean(),
  ]);
  const byKey = new Map<string, ConsentLedgerRecord>();
  for (const state of states) {
    for (const entry of [...(state.ledger ?? []), ...(state.lastEntry ? [state.lastEntry] : [])]) {
      byKey.set(`${state.purpose}:${entry.version}`, { ...entry, userId, purpose: state.purpose });
    }
  }
  // The collection's copy wins: it is the same entry, stored once.
  for (const { userId: _user, ...entry } of stored) byKey.set(`${entry.purpose}:${entry.version}`, { ...entry, userId });
  return [...byKey.values()].sort((a, b) => (a.purpose < b.purpose ? -1 : a.purpose > b.purpose ? 1 : a.version - b.version));
}

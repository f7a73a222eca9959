import { consentStateSubject } from '@profile-graph/kit';
import { startTestEnvironment, type TestEnvironment } from '@profile-graph/kit/testing';
import { createConsent, loadConsentConfig } from '../../src';
import { readConsentLedger } from '../../src/ledger/readConsentLedger';
import { recordConsentDecision } from '../../src/ledger/recordConsentDecision';
import type { ConsentLedgerEntry } from '../../src/models/consentStateModel';

// Decisions racing the outbox relay must all be kept: on FerretDB 1.x an
// unserialized relay write could revert an acknowledged decision.
describe('consent ledger under concurrent decisions and relay passes', () => {
  let env: TestEnvironment;
  let consent: Awaited<ReturnType<typeof createConsent>>;

  beforeAll(async () => {
    env = await startTestEnvironment();
    consent = await createConsent(loadConsentConfig(env.subgraphEnv('consent', { OUTBOX_POLL_MS: '5' })));
  });

  afterAll(async () => {
    await consent?.close();
    await env?.stop();
  });

  it('keeps every acknowledged decision, in order, and publishes the last one as the state', async () => {
    const userId = 'u-concurrency';
    const decisions = 60;
    for (let i = 0; i < decisions; i += 1) {
      await recordConsentDecision(consent.services, {
        userId,
        purpose: 'EMPLOYER_SHARING',
        status: i % 2 === 0 ? 'GRANTED' : 'WITHDRAWN',
        policyVersion: i % 2 === 0 ? 'v1' : null,
        method: i % 2 === 0 ? 'EXPLICIT_OPT_IN' : 'WITHDRAWAL',
      });
      consent.relay.kick();
    }
    await consent.relay.flush();
    const doc = await consent.services.states.findById(`${userId}:EMPLOYER_SHARING`).lean();
    expect(doc?.version).toBe(decisions);
    expect(doc?.status).toBe('WITHDRAWN');
    // The ledger is its own insert-only collection: every acknowledged decision is there, once, in order,
    // and the state document holds only the latest entry (it no longer grows with the ledger).
    const ledger = await consent.services.ledger.find({ userId, purpose: 'EMPLOYER_SHARING' }).sort({ version: 1 }).lean();
    expect(ledger.map((entry) => entry.version)).toEqual(Array.from({ length: decisions }, (_, i) => i + 1));
    expect(ledger.map((entry) => entry.status)).toEqual(Array.from({ length: decisions }, (_, i) => (i % 2 === 0 ? 'GRANTED' : 'WITHDRAWN')));
    expect(ledger.map((entry) => entry._id)).toEqual(Array.from({ length: decisions }, (_, i) => `${userId}:EMPLOYER_SHARING:${i + 1}`));
    expect(doc?.lastEntry?.version).toBe(decisions);
    expect(doc).not.toHaveProperty('ledger');
    const jsm = await (await env.bus('admin')).nc.jetstreamManager();
    const last = await jsm.streams.getMessage('CONSENT_STATE', { last_by_subj: consentStateSubject(userId, 'EMPLOYER_SHARING') });
    expect(JSON.parse(Buffer.from(last.data).toString()).data).toMatchObject({ version: decisions, status: 'WITHDRAWN' });
    // 60 sequential decisions, each racing a relay pass, take about 22 s here alone and went past the preset's
    // 30 s in a loaded CI run: this test is about order and loss, not speed.
  }, 120_000);
  it('hands over entries left only in a state document: a cut-short copy, and the array of a document from before the ledger collection', async () => {
    const entry = (version: number): ConsentLedgerEntry => ({
      version,
      status: version % 2 === 1 ? 'GRANTED' : 'WITHDRAWN',
      policyVersion: version % 2 === 1 ? 'v1' : null,
      method: version % 2 === 1 ? 'EXPLICIT_OPT_IN' : 'WITHDRAWAL',
      receiptId: version % 2 === 1 ? `receipt-${version}` : null,
      recordedAt: new Date(Date.UTC(2026, 0, version)),
    });
    const state = (userId: string, version: number) => ({ _id: `${userId}:EMPLOYER_SHARING`, userId, purpose: 'EMPLOYER_SHARING', status: entry(version).status, policyVersion: entry(version).policyVersion, version, updatedAt: entry(version).recordedAt });
    // Written before the ledger collection: the whole history in the state document.
    await consent.services.states.collection.insertOne({ ...state('u-legacy', 2), ledger: [entry(1), entry(2)] } as never);
    // A decision whose copy to the ledger was cut short: version 2 only in `lastEntry`.
    await consent.services.ledger.create({ ...entry(1), _id: 'u-cut:EMPLOYER_SHARING:1', userId: 'u-cut', purpose: 'EMPLOYER_SHARING' });
    await consent.services.states.collection.insertOne({ ...state('u-cut', 2), lastEntry: entry(2) } as never);

    for (const userId of ['u-legacy', 'u-cut']) {
      // Readers see the whole history before the hand-over...
      expect((await readConsentLedger(consent.services, userId)).map((record) => record.version)).toEqual([1, 2]);
      await recordConsentDecision(consent.services, { userId, purpose: 'EMPLOYER_SHARING', status: 'GRANTED', policyVersion: 'v1', method: 'EXPLICIT_OPT_IN' });
      // ...and after it, every entry is in the collection once, with what it recorded.
      const ledger = await consent.services.ledger.find({ userId }).sort({ version: 1 }).lean();
      expect(ledger.map((doc) => [doc._id, doc.status])).toEqual([
        [`${userId}:EMPLOYER_SHARING:1`, 'GRANTED'],
        [`${userId}:EMPLOYER_SHARING:2`, 'WITHDRAWN'],
        [`${userId}:EMPLOYER_SHARING:3`, 'GRANTED'],
      ]);
      expect(ledger[0]?.receiptId).toBe('receipt-1');
      const doc = await consent.services.states.findById(`${userId}:EMPLOYER_SHARING`).lean();
      expect(doc).toMatchObject({ version: 3, status: 'GRANTED', lastEntry: { version: 3 } });
      expect(doc).not.toHaveProperty('ledger');
      expect((await readConsentLedger(consent.services, userId)).map((record) => record.version)).toEqual([1, 2, 3]);
    }
  }, 60_000);
});

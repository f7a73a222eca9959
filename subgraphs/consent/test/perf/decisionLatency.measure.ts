import { randomUUID } from 'node:crypto';
import { allConsentPurposes, batchByField } from '@profile-graph/kit';
import { startTestEnvironment, type TestEnvironment } from '@profile-graph/kit/testing';
import { createConsent, loadConsentConfig } from '../../src';
import { recordConsentDecision } from '../../src/ledger/recordConsentDecision';
import { consentStateId } from '../../src/models/consentStateModel';

// Issue 19: decision latency and per-command durations over a run of the soak's consent mix against the real
// FerretDB (first vs last sixth of the decisions). A measurement, not a test: jest's testMatch skips it; run with
//   MEASURE_DECISIONS=1200 npx jest -c subgraphs/consent/jest.config.js --testMatch '**/test/perf/*.measure.ts'
const USERS = 40;
const WORKERS = 12;
const DECISIONS = Number(process.env.MEASURE_DECISIONS ?? 1200);
const BUCKETS = 6;

describe('measure', () => {
  let env: TestEnvironment;
  let consent: Awaited<ReturnType<typeof createConsent>>;
  beforeAll(async () => {
    env = await startTestEnvironment();
    consent = await createConsent(loadConsentConfig(env.subgraphEnv('consent', {})));
  });
  afterAll(async () => {
    await consent?.close();
    await env?.stop();
  });

  it('measures', async () => {
    const services = consent.services as any;
    const client = services.db.getClient();
    const started = new Map<number, { name: string; coll: string; at: number }>();
    const cmds: { name: string; at: number; ms: number }[] = [];
    client.on('commandStarted', (e: any) => {
      const coll = typeof e.command[e.commandName] === 'string' ? e.command[e.commandName] : '';
      started.set(e.requestId, { name: `${e.commandName} ${coll}`, coll, at: Date.now() });
    });
    client.on('commandSucceeded', (e: any) => {
      const s = started.get(e.requestId);
      if (s) cmds.push({ name: s.name, at: s.at, ms: e.duration });
      started.delete(e.requestId);
    });
    const users = Array.from({ length: USERS }, (_, i) => ({ id: `u-${i}`, granted: false }));
    const decisions: { i: number; ms: number; at: number }[] = [];
    const reads: { at: number; ms: number }[] = [];
    let done = 0;
    const t0 = Date.now();
    const worker = async () => {
      while (done < DECISIONS) {
        const u = users[Math.floor(Math.random() * USERS)]!;
        const r = Math.random() * 75;
        const at = Date.now();
        if (r < 45) {
          // As `me { consents }` reads them (consentResolvers.ts): MEASURE_CONSENTS_BY=userId for the old scan.
          if (process.env.MEASURE_CONSENTS_BY === 'userId') await services.states.find({ userId: u.id }).select({ ledger: 0, lastEntry: 0 }).lean();
          else await batchByField(services.states, '_id', { ledger: 0, lastEntry: 0 })(allConsentPurposes.map((purpose) => consentStateId(u.id, purpose)));
          reads.push({ at, ms: Date.now() - at });
        } else if (r < 60) {
          const other = users[Math.floor(Math.random() * USERS)]!;
          await services.accessLog.insertMany([{ _id: randomUUID(), viewerKind: 'user', viewerId: u.id, viewerOrgId: null, subjectUserId: other.id, fields: ['HiringProfile.headline', 'HiringProfile.skills'], count: 1, firstAt: new Date(), at: new Date(), purpose: 'EMPLOYER_SHARING', subgraph: 'hiring' }]);
        } else {
          u.granted = !u.granted;
          const i = done++;
          await recordConsentDecision(services, {
            userId: u.id, purpose: 'EMPLOYER_SHARING', status: u.granted ? 'GRANTED' : 'WITHDRAWN',
            policyVersion: u.granted ? '2026-01' : null, method: u.granted ? 'EXPLICIT_OPT_IN' : 'WITHDRAWAL',
            origin: { clientName: 'soak', ip: '10.0.0.0', userAgent: 'measure/1.0 (a typical user agent string of some length)' } as any,
          });
          decisions.push({ i, ms: Date.now() - at, at });
        }
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, worker));
    const t1 = Date.now();
    const q = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0; };
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const lines: string[] = [`total ${(t1 - t0) / 1000}s, ${DECISIONS} decisions, ${reads.length} consents reads`];
    const size = Math.ceil(decisions.length / BUCKETS);
    const byIdx = [...decisions].sort((a, b) => a.i - b.i);
    for (let b = 0; b < BUCKETS; b += 1) {
      const chunk = byIdx.slice(b * size, (b + 1) * size);
      const from = chunk[0]!.at, to = chunk[chunk.length - 1]!.at;
      const inWin = cmds.filter((c) => c.at >= from && c.at <= to);
      const names = [...new Set(inWin.map((c) => c.name))].sort();
      const per = names.map((n) => { const xs = inWin.filter((c) => c.name === n).map((c) => c.ms); return `${n}: n=${xs.length} mean=${mean(xs).toFixed(1)} p99=${q(xs, 0.99)}`; });
      const rd = reads.filter((r) => r.at >= from && r.at <= to).map((r) => r.ms);
      lines.push(`bucket ${b + 1} decisions ${b * size + 1}-${(b + 1) * size}: mean=${mean(chunk.map((c) => c.ms)).toFixed(1)}ms p50=${q(chunk.map((c) => c.ms), 0.5)} p99=${q(chunk.map((c) => c.ms), 0.99)} | consents read mean=${mean(rd).toFixed(1)} p99=${q(rd, 0.99)}\n    ${per.join('\n    ')}`);
    }
    const first = byIdx.slice(0, size).map((c) => c.ms), last = byIdx.slice(-size).map((c) => c.ms);
    lines.push(`late/early mean ratio ${(mean(last) / mean(first)).toFixed(2)}, p99 ${q(first, 0.99)} -> ${q(last, 0.99)}`);
    const stats = await services.db.db.command({ collStats: 'consent_states' }).catch((e: Error) => ({ error: e.message }));
    lines.push(`consent_states collStats size=${(stats as any).size} count=${(stats as any).count}`);
    console.log(lines.join('\n'));
    expect(decisions.length).toBeGreaterThanOrEqual(DECISIONS);
  }, 1_200_000);
});

import { createHiring, loadHiringConfig } from '@profile-graph/hiring';
import { createIdentity, loadIdentityConfig } from '@profile-graph/identity';
import { consentStateSubject, createEvent } from '@profile-graph/kit';
import { eventually, startTestEnvironment, type TestEnvironment } from '@profile-graph/kit/testing';
import { createConsent, loadConsentConfig } from '../../src';
import { asViewer, decide, errorCodes, hiringProfileOf, newUserId, partner, percentile, standingApplication, userViewer } from '../support/consentTestbed';

// Real nats-server and MongoDB-wire server: consent decides, the projection in
// every other subgraph instance follows over CONSENT_STATE, and the kit
// enforces @requiresConsent before resolvers run.
const CANDIDATES = '{ candidates(filter: { skills: ["TypeScript"] }) { nodes { userId } } }';

describe('consent enforced across subgraphs', () => {
  let env: TestEnvironment;
  let consent: Awaited<ReturnType<typeof createConsent>>;
  let identity: Awaited<ReturnType<typeof createIdentity>>;
  const hirings: Awaited<ReturnType<typeof createHiring>>[] = [];
  const hiringUrls: string[] = [];
  let consentUrl: string;
  let identityUrl: string;
  const ada = newUserId();
  const eve = newUserId();

  beforeAll(async () => {
    env = await startTestEnvironment();
    consent = await createConsent(loadConsentConfig(env.subgraphEnv('consent', { ACCESS_LOG_FLUSH_MS: '50' })));
    identity = await createIdentity(loadIdentityConfig(env.subgraphEnv('identity')));
    // Two instances of hiring: each must receive every consent state.
    for (let i = 0; i < 2; i += 1) {
      const hiring = await createHiring(loadHiringConfig(env.subgraphEnv('hiring', { ACCESS_LOG_FLUSH_MS: '50' })));
      hirings.push(hiring);
      hiringUrls.push((await hiring.listen(0)).url);
    }
    consentUrl = (await consent.listen(0)).url;
    identityUrl = (await identity.listen(0)).url;
    await hirings[0]!.services.profiles.create({
      _id: ada,
      headline: 'Engineer',
      skills: ['typescript'],
      employmentHistory: [{ employer: 'Analytical Engines Ltd', title: 'Programmer', from: '1842-01', to: null }],
      educationHistory: [{ institution: 'Home tutoring', degree: null, from: null, to: null }],
    });
    await hirings[0]!.services.profiles.create({ _id: eve, headline: 'Other', skills: ['typescript'] });
    await standingApplication(hirings[0]!, ada);
    await identity.services.users.create({ _id: ada, handle: 'ada', handleLower: 'ada', displayName: 'Ada', passwordHash: 'unused', ...identity.services.phones.seal(ada, '+15551234567') });
  });

  afterAll(async () => {
    for (const hiring of hirings) await hiring.close();
    await identity?.close();
    await consent?.close();
    await env?.stop();
  });

  it('denies others without consent (resolver never reached), while the owner reads sharing-purpose fields', async () => {
    const denied = await hiringProfileOf(env, hiringUrls[0]!, partner, ada);
    expect(denied.body.data._entities[0].hiringProfile).toEqual({ userId: ada, skills: null, employmentHistory: null, educationHistory: null });
    expect(denied.body.errors?.map((e) => [e.path?.slice(2).join('.'), e.extensions?.code, e.extensions?.purpose])).toEqual(
      expect.arrayContaining([
        ['hiringProfile.skills', 'CONSENT_REQUIRED', 'EMPLOYER_SHARING'],
        ['hiringProfile.employmentHistory', 'CONSENT_REQUIRED', 'EMPLOYER_SHARING'],
        ['hiringProfile.educationHistory', 'CONSENT_REQUIRED', 'EMPLOYER_SHARING'],
      ]),
    );
    const own = await hiringProfileOf(env, hiringUrls[1]!, userViewer(ada), ada);
    expect(own.body.errors).toBeUndefined();
    expect(own.body.data._entities[0].hiringProfile.employmentHistory).toEqual([{ employer: 'Analytical Engines Ltd', title: 'Programmer' }]);

    const phone = await asViewer(env, identityUrl, 'identity', userViewer(eve), 'query($id: ID!) { user(id: $id) { handle phoneNumber } }', { id: ada });
    expect(phone.body.data.user).toEqual({ handle: 'ada', phoneNumber: null });
    expect(errorCodes(phone)).toEqual(['CONSENT_REQUIRED']);

    const search = await asViewer(env, hiringUrls[0]!, 'hiring', partner, CANDIDATES);
    expect(search.body).toEqual({ data: { candidates: { nodes: [] } } });
  });

  it('grants reach every subgraph instance; candidate search only ever contains consenting people', async () => {
    const origin = { clientId: 'ios-app', clientIp: '203.0.113.77', userAgent: 'ProfileApp/1.0' };
    for (const purpose of ['EMPLOYER_SHARING', 'CANDIDATE_DISCOVERY', 'CONTACT_DISCOVERY']) await decide(env, consentUrl, ada, purpose, true, origin);
    for (const url of hiringUrls) {
      await eventually(async () => {
        const response = await hiringProfileOf(env, url, partner, ada);
        if (response.body.errors) throw new Error(JSON.stringify(response.body.errors));
        expect(response.body.data._entities[0].hiringProfile.skills).toEqual(['typescript']);
      });
    }
    const phone = await eventually(async () => {
      const response = await asViewer(env, identityUrl, 'identity', userViewer(eve), 'query($id: ID!) { user(id: $id) { phoneNumber } }', { id: ada });
      if (response.body.errors) throw new Error(JSON.stringify(response.body.errors));
      return response.body.data.user.phoneNumber;
    });
    expect(phone).toBe('+1••••••••67');
    const search = await eventually(async () => {
      const response = await asViewer(env, hiringUrls[1]!, 'hiring', partner, CANDIDATES);
      expect(response.body.data.candidates.nodes).toHaveLength(1);
      return response.body.data.candidates.nodes;
    });
    // eve has the skill too but never consented: absent, not a null.
    expect(search).toEqual([{ userId: ada }]);
  });

  it('enforces a withdrawal in every other subgraph instance within 1 s (p50/p99 measured)', async () => {
    const latencies: number[] = [];
    const enforcedWithin: number[] = [];
    const rounds = Number(process.env.ROUNDS ?? 20);
    for (let round = 0; round < rounds; round += 1) {
      const grant = round % 2 === 1;
      const seen = hirings.map(
        (hiring) =>
          new Promise<number>((resolve) => {
            const off = hiring.consent.onChange((snapshot) => {
              if (snapshot.userId === ada && snapshot.purpose === 'EMPLOYER_SHARING' && snapshot.status === (grant ? 'GRANTED' : 'WITHDRAWN')) {
                off();
                resolve(performance.now());
              }
            });
          }),
      );
      const started = performance.now();
      await decide(env, consentUrl, ada, 'EMPLOYER_SHARING', grant);
      const decided = performance.now();
      for (const at of await Promise.all(seen)) latencies.push(at - started);
      if (!grant) {
        // What a client sees: every instance refuses within 1 s of the withdrawal returning.
        for (const url of hiringUrls) {
          const refused = await eventually(async () => {
            const response = await hiringProfileOf(env, url, partner, ada);
            expect(errorCodes(response)).toContain('CONSENT_REQUIRED');
            return performance.now();
          }, 1_000, 5);
          enforcedWithin.push(refused - decided);
        }
      }
    }
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    console.log(
      `consent propagation (decision sent -> projection updated, ${latencies.length} samples over ${hirings.length} instances): p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms; ` +
        `withdrawal refused by HTTP within max ${Math.max(...enforcedWithin).toFixed(1)} ms of the mutation returning`,
    );
    expect(p99).toBeLessThan(1_000);
    expect(Math.max(...enforcedWithin)).toBeLessThan(1_000);
    // Each instance reports the same on /metrics: decision recorded -> enforced here, every live change.
    for (const url of hiringUrls) {
      const text = await (await fetch(url.replace('/graphql', '/metrics'))).text();
      const value = (name: string) => Number(new RegExp(`^${name} ([0-9.e+-]+)$`, 'm').exec(text)?.[1]);
      expect(value('consent_propagation_seconds_count{service="hiring"}')).toBeGreaterThanOrEqual(rounds);
      expect(value('consent_propagation_seconds{quantile="0.99",service="hiring"}')).toBeLessThan(1);
    }
    // The local collection catches up behind memory; an operator sees the backlog drain to none.
    for (const url of hiringUrls) {
      await eventually(async () => {
        const text = await (await fetch(url.replace('/graphql', '/metrics'))).text();
        expect(/^consent_projection_pending_writes\{service="hiring"\} (\d+)$/m.exec(text)?.[1]).toBe('0');
      });
    }
  });

  it('cannot resurrect a withdrawn consent with a replayed older snapshot, and a new instance rebuilds from the stream alone', async () => {
    // State now: the last round above withdrew (even count of rounds ends on a grant; make sure).
    await decide(env, consentUrl, ada, 'EMPLOYER_SHARING', false);
    const current = await consent.services.states.findById(`${ada}:EMPLOYER_SHARING`).lean();
    await eventually(() => expect(hirings[0]!.consent.states.get(ada, 'EMPLOYER_SHARING')?.version).toBe(current!.version));
    // An old grant arrives again (a relay republish outside the duplicate window, say).
    const stale = { userId: ada, purpose: 'EMPLOYER_SHARING', status: 'GRANTED', version: 1, policyVersion: '2026-01', updatedAt: new Date(0).toISOString() };
    const marker = { ...stale, userId: eve, version: 1 };
    await consent.bus.publish(createEvent(consentStateSubject(ada, 'EMPLOYER_SHARING'), stale, ada));
    await consent.bus.publish(createEvent(consentStateSubject(eve, 'EMPLOYER_SHARING'), marker, eve));
    // Once eve's marker arrived, ada's stale grant (published before it) has been seen and ignored.
    await eventually(() => expect(hirings[0]!.consent.isGranted(eve, 'EMPLOYER_SHARING')).toBe(true));
    expect(hirings[0]!.consent.isGranted(ada, 'EMPLOYER_SHARING')).toBe(false);
    expect(errorCodes(await hiringProfileOf(env, hiringUrls[0]!, partner, ada))).toContain('CONSENT_REQUIRED');
    // The local collection too kept the newer version.
    await eventually(async () => {
      const stored = await hirings[0]!.db.collection('consent_projection').findOne({ _id: `${ada}:EMPLOYER_SHARING` as never });
      expect(stored).toMatchObject({ status: 'WITHDRAWN', version: current!.version });
    });

    // Put the true state back on the stream, then start a fresh instance with a fresh database.
    await consent.bus.publish(createEvent(consentStateSubject(ada, 'EMPLOYER_SHARING'), { ...stale, status: 'WITHDRAWN', version: current!.version }, ada));
    const fresh = await createHiring(loadHiringConfig(env.subgraphEnv('hiring', { DATABASE_PREFIX: `${env.databasePrefix}_fresh` })));
    hirings.push(fresh);
    expect(fresh.consent.isSynced()).toBe(true);
    expect(fresh.consent.isGranted(ada, 'EMPLOYER_SHARING')).toBe(false);
    expect(fresh.consent.isGranted(ada, 'CANDIDATE_DISCOVERY')).toBe(true);
    expect(fresh.consent.isGranted(ada, 'CONTACT_DISCOVERY')).toBe(true);
  });

  it('logs granted reads by others (never the owner\'s) and lets only the subject page through them', async () => {
    await decide(env, consentUrl, ada, 'EMPLOYER_SHARING', true);
    await eventually(async () => {
      const response = await hiringProfileOf(env, hiringUrls[1]!, partner, ada);
      expect(response.body.errors).toBeUndefined();
    });
    await hiringProfileOf(env, hiringUrls[1]!, userViewer(ada), ada); // owner: not logged
    const query = 'query($r: [_Any!]!, $after: String) { _entities(representations: $r) { ... on User { dataAccessLog(first: 2, after: $after) { edges { cursor node { viewerKind viewerId viewerOrgId fields count firstAt lastAt purpose subgraph } } pageInfo { hasNextPage endCursor } } } } }';
    const reps = { r: [{ __typename: 'User', id: ada }] };
    type Entry = { fields: string[]; count: number; firstAt: string; lastAt: string; viewerKind: string; subgraph: string };
    const all: Entry[] = [];
    await eventually(async () => {
      all.length = 0;
      let after: string | null = null;
      for (;;) {
        const response = await asViewer(env, consentUrl, 'consent', userViewer(ada), query, { ...reps, after });
        expect(response.body.errors).toBeUndefined();
        const page = response.body.data._entities[0].dataAccessLog;
        expect(page.edges.length).toBeLessThanOrEqual(2);
        all.push(...page.edges.map((edge: { node: Entry }) => edge.node));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(all.flatMap((entry) => entry.fields)).toEqual(expect.arrayContaining(['HiringProfile.skills', 'HiringProfile.employmentHistory', 'HiringProfile.educationHistory', 'User.phoneNumber']));
    }, 5_000, 100);
    expect(all.every((entry) => entry.viewerKind === 'PARTNER' || entry.viewerKind === 'USER')).toBe(true);
    // One entry per viewer, purpose, subgraph and window: the three profile fields a partner read at once share one.
    for (const entry of all) {
      expect(entry.fields).toEqual([...new Set(entry.fields)].sort());
      expect(entry.count).toBeGreaterThanOrEqual(entry.fields.length);
      expect(Date.parse(entry.firstAt)).toBeLessThanOrEqual(Date.parse(entry.lastAt));
    }
    expect(all.filter((entry) => entry.subgraph === 'hiring' && entry.viewerKind === 'PARTNER').map((entry) => entry.fields)).toContainEqual([
      'HiringProfile.educationHistory',
      'HiringProfile.employmentHistory',
      'HiringProfile.skills',
    ]);
    // The partner read above is the newest once it has crossed NATS.
    await eventually(async () => {
      const newest = await asViewer(env, consentUrl, 'consent', userViewer(ada), query, reps);
      expect(newest.body.data._entities[0].dataAccessLog.edges[0].node).toMatchObject({ viewerKind: 'PARTNER', viewerId: 'key-acme-1', viewerOrgId: 'acme', purpose: 'EMPLOYER_SHARING', subgraph: 'hiring' });
    });
    // Nothing was logged for the owner's own reads.
    expect(await consent.services.accessLog.countDocuments({ subjectUserId: ada, viewerId: ada })).toBe(0);
    const forbidden = await asViewer(env, consentUrl, 'consent', userViewer(eve), query, reps);
    expect(errorCodes(forbidden)).toEqual(['FORBIDDEN']);
  });

  it('keeps the ledger with origin and jurisdiction, and a Kantara receipt per grant for the subject only', async () => {
    const query = /* GraphQL */ `
      query ($r: [_Any!]!) {
        _entities(representations: $r) {
          ... on User { consentHistory(purpose: CONTACT_DISCOVERY) { purpose version status method jurisdiction origin { clientId ipTruncated userAgent } receiptId receipt } }
        }
      }
    `;
    const reps = { r: [{ __typename: 'User', id: ada }] };
    const response = await asViewer(env, consentUrl, 'consent', userViewer(ada), query, reps);
    expect(response.body.errors).toBeUndefined();
    const [entry] = response.body.data._entities[0].consentHistory;
    expect(entry).toMatchObject({
      purpose: 'CONTACT_DISCOVERY',
      version: 1,
      status: 'GRANTED',
      method: 'EXPLICIT_OPT_IN',
      jurisdiction: 'DE',
      origin: { clientId: 'ios-app', ipTruncated: '203.0.113.0', userAgent: 'ProfileApp/1.0' },
    });
    expect(entry.receipt).toMatchObject({ version: 'KI-CR-v1.1.0', consentReceiptID: entry.receiptId, piiPrincipalId: ada, jurisdiction: 'DE' });

    const receiptQuery = 'query($r: [_Any!]!, $id: ID!) { _entities(representations: $r) { ... on User { consentReceipt(id: $id) } } }';
    const receipt = await asViewer(env, consentUrl, 'consent', userViewer(ada), receiptQuery, { ...reps, id: entry.receiptId });
    expect(receipt.body.data._entities[0].consentReceipt).toEqual(entry.receipt);
    const other = await asViewer(env, consentUrl, 'consent', userViewer(eve), receiptQuery, { ...reps, id: entry.receiptId });
    expect(errorCodes(other)).toEqual(['FORBIDDEN']);

    const employer = await asViewer(env, consentUrl, 'consent', userViewer(ada), query.replace('CONTACT_DISCOVERY', 'EMPLOYER_SHARING'), reps);
    const history = employer.body.data._entities[0].consentHistory as { version: number; status: string; receipt: unknown }[];
    expect(history.map((e) => e.version)).toEqual([...history.map((e) => e.version)].sort((a, b) => b - a));
    expect(history.filter((e) => e.status === 'WITHDRAWN').every((e) => e.receipt === null)).toBe(true);
  });
});

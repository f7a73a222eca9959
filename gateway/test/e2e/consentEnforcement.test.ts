import { allConsentPurposes, type ConsentPurpose } from '@profile-graph/kit';
import { eventually } from '@profile-graph/kit/testing';
import { APPLY, buildConsentWorld, GRANT, setConsent, VIEWERS, WITHDRAW, WITHDRAW_APPLICATION, type ConsentWorld, type Person, type ViewerName } from '../support/consentWorld';
import { expectedAccess, type Relationship } from '../support/recipientRule';
import { startGraph, type TestGraph } from '../support/startGraph';

// Field-level consent through the real gateway and the four real subgraphs:
// a consent is to a purpose *and* its recipients. The matrix is viewer ×
// relationship × purpose × consent state; the oracle is recipientRule.ts.

const USER_FIELDS = `query($id: ID!) { user(id: $id) {
  id phoneNumber biometricEnrollment { enrolledAt } adInterests jobRecommendations { score }
  hiringProfile { skills employmentHistory { employer } }
} }`;
const CANDIDATES = '{ candidates(first: 200) { nodes { userId skills } } }';
const TRAINING = '{ trainingExamples(first: 200) { nodes { pseudonym skills } } }';

/** Where each purpose's gated data shows in USER_FIELDS. */
const PATHS: Partial<Record<ConsentPurpose, string[][]>> = {
  CONTACT_DISCOVERY: [['phoneNumber']],
  BIOMETRIC_VERIFICATION: [['biometricEnrollment']],
  AD_PERSONALIZATION: [['adInterests']],
  HIRING_RECOMMENDATIONS: [['jobRecommendations']],
  EMPLOYER_SHARING: [['hiringProfile', 'skills'], ['hiringProfile', 'employmentHistory']],
};
const REFUSED = 'UNAUTHORIZED_FIELD_OR_TYPE';
type Phase = 'never granted' | 'granted' | 'withdrawn';
type Body = { data?: any; errors?: { path?: (string | number)[]; message: string; extensions?: Record<string, unknown> }[] };

const at = (value: any, path: string[]) => path.reduce((node, key) => (node == null ? node : node[key]), value);
const errorAt = (body: Body, path: string[]) => body.errors?.find((error) => error.path?.join('.') === path.join('.'));

/** A small deterministic PRNG (mulberry32), so a failing random sequence can be replayed from its seed. */
function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('consent bound to its recipients, through the gateway', () => {
  let graph: TestGraph;
  let world: ConsentWorld;
  const subjects = {} as Record<Relationship, Person>;
  /** Per viewer, subject and purpose: the refusal seen in each consent state, which must never differ. */
  const refusals = new Map<string, Set<string>>();

  beforeAll(async () => {
    graph = await startGraph({ ACCESS_LOG_FLUSH_MS: '50' });
    world = await buildConsentWorld(graph, 'mx');
    const job = await world.acme.postJob('Backend Engineer');
    for (const relationship of ['none', 'applied', 'withdrawn'] as Relationship[]) subjects[relationship] = await world.subject(`subject_${relationship}`);
    for (const relationship of ['applied', 'withdrawn'] as Relationship[]) {
      const applied = await graph.query(APPLY, { id: job }, subjects[relationship].token);
      expect(applied.body.errors).toBeUndefined();
      if (relationship === 'withdrawn') {
        const withdrawn = await graph.query(WITHDRAW_APPLICATION, { id: applied.body.data.applyToJob.id }, subjects[relationship].token);
        expect(withdrawn.body.data.withdrawApplication.withdrawnAt).toEqual(expect.any(String));
      }
    }
  }, 90_000);

  afterAll(async () => {
    await graph?.stop();
  });

  async function moveTo(phase: Phase) {
    if (phase === 'never granted') return;
    for (const subject of Object.values(subjects)) for (const purpose of allConsentPurposes) await setConsent(graph, subject, purpose, phase === 'granted');
  }

  /** What one cell must look like; returns the violations found (empty when right). */
  function judge(label: string, access: ReturnType<typeof expectedAccess>, phase: Phase, purpose: ConsentPurpose, shown: boolean, code: unknown, refusalKey: string, refusal: string, list = false): string[] {
    const consented = phase === 'granted';
    if (access === 'no') {
      const seen = refusals.get(refusalKey) ?? new Set<string>();
      refusals.set(refusalKey, seen.add(refusal));
      return [...(shown ? [`${label}: gated value outside the recipients`] : []), ...(code !== REFUSED ? [`${label}: expected ${REFUSED}, got ${String(code)}`] : [])];
    }
    // The enrollment goes with a withdrawal (BIPA): the owner then reads an empty, not a refused, field.
    if (access === 'owner-free') return code ? [`${label}: owner refused with ${String(code)}`] : shown || (purpose === 'BIOMETRIC_VERIFICATION' && phase === 'withdrawn') ? [] : [`${label}: owner got nothing`];
    if (consented) return shown && !code ? [] : [`${label}: recipient with consent got ${shown ? 'the value' : 'nothing'} and ${String(code)}`];
    // Lists of people filter non-consenting subjects out in the query: absent, with no error naming them.
    const expectedCode = list ? undefined : 'CONSENT_REQUIRED';
    return !shown && code === expectedCode ? [] : [`${label}: recipient without consent got ${shown ? 'THE VALUE' : 'nothing'} and ${String(code)}`];
  }

  it.each<Phase>(['never granted', 'granted', 'withdrawn'])('matrix: viewer × relationship × purpose, consent %s', async (phase) => {
    await moveTo(phase);
    const violations: string[] = [];
    let cells = 0;
    for (const viewer of VIEWERS) {
      for (const relationship of ['none', 'applied', 'withdrawn'] as Relationship[]) {
        const subject = subjects[relationship];
        const response = await world.as(viewer, subject, USER_FIELDS, { id: subject.id });
        const user = response.body.data?.user;
        if (user?.id !== subject.id) violations.push(`${viewer}/${relationship}: no user in ${JSON.stringify(response.body).slice(0, 200)}`);
        for (const [purpose, paths] of Object.entries(PATHS) as [ConsentPurpose, string[][]][]) {
          for (const path of paths) {
            cells += 1;
            const error = errorAt(response.body, ['user', ...path]);
            const label = `${viewer} / ${relationship} / ${purpose} ${path.join('.')} / ${phase}`;
            const refusal = JSON.stringify([at(user, path), error?.message, error?.extensions]);
            violations.push(...judge(label, expectedAccess(viewer, relationship, purpose), phase, purpose, at(user, path) != null, error?.extensions?.code, `${viewer}/${relationship}/${path.join('.')}`, refusal));
          }
        }
      }
      // Lists of people: being in the list is the gated value.
      const pseudonyms = Object.fromEntries(Object.entries(subjects).map(([relationship, subject]) => [graph.subgraphs.hiring.services.pseudonyms.of(subject.id), relationship]));
      for (const [purpose, query, listed] of [
        ['CANDIDATE_DISCOVERY', CANDIDATES, (body: Body) => (body.data?.candidates?.nodes ?? []).map((node: { userId: string }) => Object.entries(subjects).find(([, s]) => s.id === node.userId)?.[0])],
        ['MODEL_TRAINING', TRAINING, (body: Body) => (body.data?.trainingExamples?.nodes ?? []).map((node: { pseudonym: string }) => pseudonyms[node.pseudonym])],
      ] as const) {
        const response = await world.as(viewer, subjects.none, query);
        const present = new Set(listed(response.body));
        const code = response.body.errors?.[0]?.extensions?.code;
        for (const relationship of ['none', 'applied', 'withdrawn'] as Relationship[]) {
          cells += 1;
          const label = `${viewer} / ${relationship} / ${purpose} list / ${phase}`;
          violations.push(...judge(label, expectedAccess(viewer, relationship, purpose), phase, purpose, present.has(relationship), code, `${viewer}/${relationship}/${purpose}`, JSON.stringify(response.body), true));
        }
      }
    }
    expect(cells).toBe(VIEWERS.length * 3 * 8);
    expect(violations).toEqual([]);
    if (phase === 'granted') {
      // The training feed pages by pseudonym, one at a time here, without skipping or repeating anyone.
      const all = (await world.as('trainerService', null, TRAINING)).body.data.trainingExamples.nodes.map((node: { pseudonym: string }) => node.pseudonym);
      const paged: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 10; page += 1) {
        const response: { body: Body } = await world.as('trainerService', null, 'query($after: String) { trainingExamples(first: 1, after: $after) { nodes { pseudonym } pageInfo { hasNextPage endCursor } } }', { after });
        const { nodes, pageInfo } = response.body.data.trainingExamples;
        paged.push(...nodes.map((node: { pseudonym: string }) => node.pseudonym));
        if (!pageInfo.hasNextPage) break;
        after = pageInfo.endCursor;
      }
      expect(all.length).toBeGreaterThanOrEqual(3);
      expect(paged).toEqual(all);
      expect(JSON.stringify(all)).not.toMatch(new RegExp(Object.values(subjects).map((subject) => subject.id).join('|')));
    }
  }, 120_000);

  it('gave every viewer outside the recipients one identical refusal across the three consent states', () => {
    expect(refusals.size).toBeGreaterThan(100);
    const differing = [...refusals].filter(([, seen]) => seen.size !== 1).map(([key, seen]) => `${key}: ${[...seen].join(' | ')}`);
    expect(differing).toEqual([]);
  });

  it('logged reads by recipients only, and nothing for refused reads', async () => {
    const entries = await eventually(async () => {
      const response = await graph.query('{ me { dataAccessLog(first: 100) { edges { node { viewerKind viewerOrgId purpose fields } } } } }', {}, subjects.applied.token);
      expect(response.body.errors).toBeUndefined();
      const nodes = response.body.data.me.dataAccessLog.edges.map((edge: { node: unknown }) => edge.node) as { viewerKind: string; viewerOrgId: string | null; purpose: ConsentPurpose; fields: string[] }[];
      expect(new Set(nodes.map((node) => node.purpose))).toEqual(new Set(['EMPLOYER_SHARING', 'CONTACT_DISCOVERY', 'HIRING_RECOMMENDATIONS', 'AD_PERSONALIZATION', 'CANDIDATE_DISCOVERY', 'MODEL_TRAINING']));
      return nodes;
    });
    const allowed: Record<ConsentPurpose, (entry: (typeof entries)[number]) => boolean> = {
      EMPLOYER_SHARING: (entry) => (entry.viewerKind === 'PARTNER' && entry.viewerOrgId === world.acme.orgId) || entry.viewerKind === 'USER',
      CONTACT_DISCOVERY: (entry) => entry.viewerKind === 'USER',
      HIRING_RECOMMENDATIONS: (entry) => entry.viewerKind === 'SERVICE',
      AD_PERSONALIZATION: (entry) => entry.viewerKind === 'SERVICE',
      CANDIDATE_DISCOVERY: (entry) => entry.viewerKind === 'PARTNER' && entry.viewerOrgId === world.globex.orgId && entry.fields.includes('Query.candidates'),
      MODEL_TRAINING: (entry) => entry.viewerKind === 'SERVICE' && entry.fields.includes('Query.trainingExamples'),
      BIOMETRIC_VERIFICATION: () => false,
    };
    expect(entries.filter((entry) => !allowed[entry.purpose](entry))).toEqual([]);
    // The subject who never applied was read under EMPLOYER_SHARING by nobody.
    const none = await graph.query('{ me { dataAccessLog(first: 100) { edges { node { purpose } } } } }', {}, subjects.none.token);
    expect(none.body.data.me.dataAccessLog.edges.map((edge: { node: { purpose: string } }) => edge.node.purpose)).not.toContain('EMPLOYER_SHARING');
  });

  it('withdrawing the application ends the employer\'s access within 1 s, with the consent still granted', async () => {
    const person = await world.subject('withdraws_application');
    await setConsent(graph, person, 'EMPLOYER_SHARING', true);
    const job = await world.acme.postJob('Withdrawal Probe');
    const applied = await graph.query(APPLY, { id: job }, person.token);
    const SKILLS = 'query($id: ID!) { user(id: $id) { hiringProfile { skills } } }';
    expect((await world.as('appliedPartner', person, SKILLS, { id: person.id })).body.data.user.hiringProfile.skills).toEqual(['typescript']);
    expect((await world.as('appliedRecruiter', person, SKILLS, { id: person.id })).body.data.user.hiringProfile.skills).toEqual(['typescript']);
    const started = Date.now();
    expect((await graph.query(WITHDRAW_APPLICATION, { id: applied.body.data.applyToJob.id }, person.token)).body.errors).toBeUndefined();
    await eventually(async () => {
      const response = await world.as('appliedPartner', person, SKILLS, { id: person.id });
      expect(response.body.data.user.hiringProfile.skills).toBeNull();
      expect(response.body.errors?.[0]?.extensions?.code).toBe(REFUSED);
    }, 1_000, 20);
    expect(Date.now() - started).toBeLessThan(1_000);
    // Final: applying again is refused, so the relationship cannot be revived behind the candidate's back.
    expect((await graph.query(APPLY, { id: job }, person.token)).body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('randomized grants, withdrawals and applications never show a profile outside consent and a standing application', async () => {
    const seed = Number(process.env.CONSENT_SEED ?? 20_261_202);
    console.log(`consent randomized test seed: ${seed} (rerun with CONSENT_SEED=${seed})`);
    const random = mulberry32(seed);
    const BOUND_MS = 1_000;
    const person = await world.subject('randomized');
    const QUERY = 'query($id: ID!) { user(id: $id) { hiringProfile { employmentHistory { employer } } } }';
    type Period = { from: number; to: number };
    // Conservatively wide periods: from a change's send to the undoing change's return.
    const consentPeriods: Period[] = [];
    const applicationPeriods: Period[] = [];
    let consentSince: number | null = null;
    let consentFullyAt: number | null = null;
    let application: { id: string; since: number; fullyAt: number } | null = null;
    const violations: string[] = [];
    const missed: string[] = [];
    const overlaps = (periods: Period[], open: number | null, sent: number, returned: number) =>
      [...periods, ...(open === null ? [] : [{ from: open, to: Infinity }])].some((period) => period.from <= returned && period.to >= sent - BOUND_MS);
    const counts = { consent: 0, application: 0, query: 0 };
    for (let step = 0; step < 90; step += 1) {
      const roll = random();
      const sent = performance.now();
      if (roll < 0.2) {
        counts.consent += 1;
        const withdraw: boolean = consentSince !== null;
        const response = await graph.query(withdraw ? WITHDRAW : GRANT, { p: 'EMPLOYER_SHARING' }, person.token);
        expect(response.body.errors).toBeUndefined();
        const returned = performance.now();
        if (withdraw) consentPeriods.push({ from: consentSince!, to: returned });
        consentSince = withdraw ? null : sent;
        consentFullyAt = withdraw ? null : returned;
      } else if (roll < 0.4) {
        counts.application += 1;
        if (application) {
          const response = await graph.query(WITHDRAW_APPLICATION, { id: application.id }, person.token);
          expect(response.body.errors).toBeUndefined();
          applicationPeriods.push({ from: application.since, to: performance.now() });
          application = null;
        } else {
          // Withdrawal is final per job, so each new application goes to a new job of the same organization.
          const job = await world.acme.postJob(`Random ${step}`);
          const applySent = performance.now();
          const response = await graph.query(APPLY, { id: job }, person.token);
          expect(response.body.errors).toBeUndefined();
          application = { id: response.body.data.applyToJob.id, since: applySent, fullyAt: performance.now() };
        }
      } else {
        counts.query += 1;
        const viewer: ViewerName = random() < 0.2 ? 'unrelatedPartner' : random() < 0.5 ? 'appliedRecruiter' : 'appliedPartner';
        const response = await world.as(viewer, person, QUERY, { id: person.id });
        const returned = performance.now();
        const shown = response.body.data?.user?.hiringProfile?.employmentHistory != null;
        const related = viewer !== 'unrelatedPartner';
        const allowed = related && overlaps(consentPeriods, consentSince, sent, returned) && overlaps(applicationPeriods, application?.since ?? null, sent, returned);
        if (shown && !allowed) violations.push(`step ${step}: ${viewer} shown the profile outside consent and application at ${sent.toFixed(0)}`);
        // Liveness: consent and application both standing for longer than the bound must be honoured.
        const settled = consentFullyAt !== null && application !== null && Math.max(consentFullyAt, application.fullyAt) <= sent - BOUND_MS;
        if (related && !shown && settled) missed.push(`step ${step}: ${viewer} refused though consent and application stood`);
        if (random() < 0.3) await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 40)));
      }
    }
    console.log(`randomized steps: ${JSON.stringify(counts)}`);
    expect(counts.consent).toBeGreaterThan(5);
    expect(counts.application).toBeGreaterThan(5);
    expect(violations).toEqual([]);
    expect(missed).toEqual([]);
  }, 90_000);
});

describe('consent decision origin and notice versions through the gateway', () => {
  let graph: TestGraph;

  beforeAll(async () => {
    graph = await startGraph();
  });

  afterAll(async () => {
    await graph?.stop();
  });

  it('records the client id, user agent and a truncated address the gateway signed, not what a subgraph caller claims', async () => {
    const user = await graph.signUp('origin_subject', 'Origin');
    const grant = await graph.query(GRANT, { p: 'EMPLOYER_SHARING' }, user.token, {
      'x-client-id': 'ios-app',
      'user-agent': 'ProfileApp/7.1',
      // The gateway does not trust proxies by default (TRUST_PROXY_HOPS=0): this claim is ignored.
      'x-forwarded-for': '198.51.100.200',
    });
    expect(grant.body.errors).toBeUndefined();
    const history = await graph.query('{ me { consentHistory { purpose origin { clientId ipTruncated userAgent } } } }', {}, user.token);
    const entry = history.body.data.me.consentHistory.find((e: { purpose: string }) => e.purpose === 'EMPLOYER_SHARING');
    expect(entry.origin).toEqual({ clientId: 'ios-app', ipTruncated: '127.0.0.0', userAgent: 'ProfileApp/7.1' });
  });

  it('refuses a policyVersion that names no registered notice, and the written release keeps the notice it signed', async () => {
    const user = await graph.signUp('notice_subject');
    const unknown = await graph.query('mutation { grantConsent(input: { purpose: EMPLOYER_SHARING, policyVersion: "anything-goes" }) { status } }', {}, user.token);
    expect(unknown.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.policyVersion' });
    expect(unknown.body.errors?.[0]?.message).toMatch(/registered privacy notice/);
    const notices = await graph.query('{ privacyNotices { version current purposes { purpose recipients processors { name } retention } } }');
    const current = notices.body.data.privacyNotices.find((notice: { current: boolean }) => notice.current);
    const biometric = current.purposes.find((entry: { purpose: string }) => entry.purpose === 'BIOMETRIC_VERIFICATION');
    expect(biometric.processors).toEqual([{ name: expect.stringMatching(/verification provider/) }]);
    const signed = await graph.query(GRANT, { p: 'BIOMETRIC_VERIFICATION', r: { signerName: 'Notice Subject', signedAt: new Date().toISOString() } }, user.token);
    expect(signed.body.errors).toBeUndefined();
    const history = await graph.query('{ me { consentHistory(purpose: BIOMETRIC_VERIFICATION) { policyVersion writtenRelease { signerName noticeVersion purposeText retention } receipt } } }', {}, user.token);
    const [entry] = history.body.data.me.consentHistory;
    expect(entry.writtenRelease).toEqual({ signerName: 'Notice Subject', noticeVersion: current.version, purposeText: expect.stringMatching(/face template/), retention: biometric.retention });
    expect(entry.receipt.services[0].purposes[0]).toMatchObject({ thirdPartyDisclosure: true, thirdPartyName: expect.stringMatching(/verification provider/) });
  });
});

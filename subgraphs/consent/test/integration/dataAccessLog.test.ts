import { Writable } from 'node:stream';
import { ACCESS_RECORDED_SUBJECT, AccessLogRecorder, createEvent, createLogger, type AccessLogEntry, type LegacyAccessLogEntry } from '@profile-graph/kit';
import { eventually, startTestEnvironment, type TestEnvironment } from '@profile-graph/kit/testing';
import { createConsent, loadConsentConfig } from '../../src';
import { asViewer, errorCodes, newUserId, userViewer } from '../support/consentTestbed';

// Real nats-server and MongoDB-wire server: access-log batches travel over the
// PRIVACY stream to consent's durable consumer, which stores them and lets
// the subject page through them.

const LOG_QUERY = /* GraphQL */ `
  query ($r: [_Any!]!, $first: Int, $after: String) {
    _entities(representations: $r) {
      ... on User {
        dataAccessLog(first: $first, after: $after) {
          edges { node { id viewerKind viewerId viewerOrgId fields count firstAt lastAt field at purpose subgraph } }
          pageInfo { hasNextPage endCursor }
        }
      }
    }
  }
`;
const FIELDS = ['HiringProfile.skills', 'HiringProfile.employmentHistory', 'HiringProfile.educationHistory', 'HiringProfile.headline'];

describe('data access log: aggregated entries from the stream to the subject', () => {
  let env: TestEnvironment;
  let consent: Awaited<ReturnType<typeof createConsent>>;
  let consentUrl: string;
  const lines: Record<string, any>[] = [];

  beforeAll(async () => {
    env = await startTestEnvironment();
    const destination = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    consent = await createConsent(loadConsentConfig(env.subgraphEnv('consent')), { logger: createLogger({ name: 'consent', level: 'info', destination }) });
    consentUrl = (await consent.listen(0)).url;
  });

  afterAll(async () => {
    await consent?.close();
    await env?.stop();
  });

  const logOf = async (userId: string, first = 100) => {
    const response = await asViewer(env, consentUrl, 'consent', userViewer(userId), LOG_QUERY, { r: [{ __typename: 'User', id: userId }], first });
    expect(response.body.errors).toBeUndefined();
    return response.body.data._entities[0].dataAccessLog.edges.map((edge: { node: unknown }) => edge.node);
  };

  it('stores 50 page reads of 4 fields by one partner in one window as one entry the subject sees (count 200)', async () => {
    const ada = newUserId();
    // The recorder every subgraph runs, publishing on the real bus.
    const recorder = new AccessLogRecorder(consent.bus, consent.logger, { subgraph: 'hiring', flushMs: 60_000 });
    for (let page = 0; page < 50; page += 1) {
      for (const field of FIELDS) recorder.record({ viewerKind: 'partner', viewerId: 'key-acme-1', viewerOrgId: 'acme', subjectUserId: ada, field, purpose: 'EMPLOYER_SHARING' });
    }
    await recorder.close();
    const [entry] = await eventually(async () => {
      const entries = await logOf(ada);
      expect(entries).toHaveLength(1);
      return entries;
    });
    expect(entry).toEqual({
      id: expect.any(String),
      viewerKind: 'PARTNER',
      viewerId: 'key-acme-1',
      viewerOrgId: 'acme',
      fields: ['HiringProfile.educationHistory', 'HiringProfile.employmentHistory', 'HiringProfile.headline', 'HiringProfile.skills'],
      count: 200,
      firstAt: expect.any(String),
      lastAt: expect.any(String),
      field: 'HiringProfile.educationHistory',
      at: entry.lastAt,
      purpose: 'EMPLOYER_SHARING',
      subgraph: 'hiring',
    });
    expect(new Date(entry.firstAt).getTime()).toBeLessThanOrEqual(new Date(entry.lastAt).getTime());
    expect(await consent.services.accessLog.countDocuments({ subjectUserId: ada })).toBe(1);
  });

  it('still stores one-read entries of the old shape, and pages old and new entries together by last read', async () => {
    const bob = newUserId();
    const legacy: LegacyAccessLogEntry = { id: `legacy-${bob}`, viewerKind: 'user', viewerId: 'u-reader', viewerOrgId: null, subjectUserId: bob, field: 'User.phoneNumber', purpose: 'CONTACT_DISCOVERY', subgraph: 'identity', at: '2030-01-01T10:00:00.000Z' };
    const aggregated: AccessLogEntry = {
      id: `new-${bob}`,
      viewerKind: 'partner',
      viewerId: 'key-acme-1',
      viewerOrgId: 'acme',
      subjectUserId: bob,
      purpose: 'EMPLOYER_SHARING',
      subgraph: 'hiring',
      fields: ['HiringProfile.skills'],
      count: 3,
      firstAt: '2030-01-01T09:59:59.900Z',
      lastAt: '2030-01-01T10:00:00.100Z',
    };
    await consent.bus.publish(createEvent(ACCESS_RECORDED_SUBJECT, { entries: [legacy] }));
    await consent.bus.publish(createEvent(ACCESS_RECORDED_SUBJECT, { entries: [aggregated] }));
    await eventually(async () => expect(await logOf(bob)).toHaveLength(2));
    // Newest last read first, one entry per page, across both shapes.
    const reps = { r: [{ __typename: 'User', id: bob }], first: 1 };
    const first = await asViewer(env, consentUrl, 'consent', userViewer(bob), LOG_QUERY, reps);
    const firstPage = first.body.data._entities[0].dataAccessLog;
    expect(firstPage.edges[0].node).toMatchObject({ id: aggregated.id, count: 3, firstAt: aggregated.firstAt, lastAt: aggregated.lastAt });
    expect(firstPage.pageInfo.hasNextPage).toBe(true);
    const second = await asViewer(env, consentUrl, 'consent', userViewer(bob), LOG_QUERY, { ...reps, after: firstPage.pageInfo.endCursor });
    expect(second.body.data._entities[0].dataAccessLog).toEqual({
      edges: [
        {
          node: {
            id: legacy.id,
            viewerKind: 'USER',
            viewerId: 'u-reader',
            viewerOrgId: null,
            fields: ['User.phoneNumber'],
            count: 1,
            firstAt: legacy.at,
            lastAt: legacy.at,
            field: 'User.phoneNumber',
            at: legacy.at,
            purpose: 'CONTACT_DISCOVERY',
            subgraph: 'identity',
          },
        },
      ],
      pageInfo: { hasNextPage: false, endCursor: expect.any(String) },
    });
    // The log is the subject's alone.
    expect(errorCodes(await asViewer(env, consentUrl, 'consent', userViewer('u-reader'), LOG_QUERY, reps))).toEqual(['FORBIDDEN']);
  });

  it('drops malformed entries with a warning naming what was wrong, stores the rest, and keeps consuming', async () => {
    const cy = newUserId();
    const good: AccessLogEntry = {
      id: `good-${cy}`,
      viewerKind: 'service',
      viewerId: null,
      viewerOrgId: null,
      subjectUserId: cy,
      purpose: 'EMPLOYER_SHARING',
      subgraph: 'hiring',
      fields: ['HiringProfile.skills'],
      count: 1,
      firstAt: '2030-01-02T00:00:00.000Z',
      lastAt: '2030-01-02T00:00:00.000Z',
    };
    const { fields: _fields, ...noFields } = good;
    await consent.bus.publish(createEvent(ACCESS_RECORDED_SUBJECT, { entries: [{ ...noFields, id: `bad-1-${cy}` }, good, { ...good, id: `bad-2-${cy}`, purpose: 'SELLING', count: 0 }, 42] }));
    await consent.bus.publish(createEvent(ACCESS_RECORDED_SUBJECT, { entries: 'not a list' }));
    const later = { ...good, id: `later-${cy}`, lastAt: '2030-01-02T00:00:01.000Z' };
    await consent.bus.publish(createEvent(ACCESS_RECORDED_SUBJECT, { entries: [later] }));
    await eventually(async () => expect((await logOf(cy)).map((entry: { id: string }) => entry.id)).toEqual([later.id, good.id]));
    const warning = lines.find((line) => line.msg === 'dropped malformed access log entries' && line.entries?.some((entry: { id?: string }) => entry.id === `bad-1-${cy}`));
    expect(warning).toMatchObject({
      level: 40,
      dropped: 3,
      stored: 1,
      entries: [
        { index: 0, id: `bad-1-${cy}`, problems: ['fields: missing (and no field of the one-read shape either)'] },
        { index: 2, id: `bad-2-${cy}`, problems: ['purpose: "SELLING" is not a consent purpose', 'count: expected a whole number of reads of at least 1, got 0'] },
        { index: 3, problems: ['entry: expected an object, got number'] },
      ],
    });
    // What was wrong is named; whose data it was is not.
    expect(JSON.stringify(warning)).not.toContain(`"${cy}"`);
    expect(lines).toEqual(expect.arrayContaining([expect.objectContaining({ level: 40, msg: 'dropped an access log batch', problem: 'data.entries: expected an array' })]));
  });

  it('adds nothing when a batch is delivered again, and does not undo an anonymization made since', async () => {
    const dan = newUserId();
    const reader = newUserId();
    const entry: AccessLogEntry = {
      id: `again-${dan}`,
      viewerKind: 'user',
      viewerId: reader,
      viewerOrgId: null,
      subjectUserId: dan,
      purpose: 'CONTACT_DISCOVERY',
      subgraph: 'identity',
      fields: ['User.phoneNumber'],
      count: 2,
      firstAt: '2030-01-03T00:00:00.000Z',
      lastAt: '2030-01-03T00:00:00.200Z',
    };
    await consent.bus.publish(createEvent(ACCESS_RECORDED_SUBJECT, { entries: [entry] }));
    await eventually(async () => expect(await consent.services.accessLog.countDocuments({ subjectUserId: dan })).toBe(1));
    // The reader erased their account: their reads of others stay, without their id (eraseConsentData).
    await consent.services.accessLog.updateMany({ viewerKind: 'user', viewerId: reader }, { $set: { viewerId: null } });
    // The same entries again under a new envelope (a publisher that never saw its ack), then a marker behind them.
    const marker: AccessLogEntry = { ...entry, id: `marker-${dan}`, viewerId: 'u-other' };
    await consent.bus.publish(createEvent(ACCESS_RECORDED_SUBJECT, { entries: [entry, { ...entry, count: 99 }] }));
    await consent.bus.publish(createEvent(ACCESS_RECORDED_SUBJECT, { entries: [marker] }));
    await eventually(async () => expect(await consent.services.accessLog.countDocuments({ subjectUserId: dan })).toBe(2));
    expect(await consent.services.accessLog.findById(entry.id).lean()).toMatchObject({ viewerId: null, count: 2, fields: ['User.phoneNumber'] });
    // Duplicates are expected, not failures: no batch was sent back for a retry.
    expect(lines.filter((line) => line.msg === 'event handler failed; will retry')).toEqual([]);
  });
});

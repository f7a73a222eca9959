import { randomUUID } from 'node:crypto';
import { createCalls, loadCallsConfig } from '@profile-graph/calls';
import { createConsent, loadConsentConfig } from '@profile-graph/consent';
import { createHiring, loadHiringConfig } from '@profile-graph/hiring';
import { createIdentity, loadIdentityConfig } from '@profile-graph/identity';
import { startTestEnvironment, type TestEnvironment } from '@profile-graph/kit/testing';

// Issue 8, part 3: retention per data kind, each applied by a scheduled sweep
// that reports what it removed (log line + privacy_retention_removed_total).
// Clocks are injected: the tests move time instead of waiting.

const DAY = 24 * 3600 * 1000;

describe('retention sweeps', () => {
  let env: TestEnvironment;
  let now = new Date('2030-01-01T00:00:00Z');
  const clock = () => now;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    env = await startTestEnvironment();
  });

  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    await env?.stop();
  });

  const removedCounter = async (service: { metrics: { render(): Promise<{ body: string }> } }, kind: string) => {
    const { body } = await service.metrics.render();
    const line = body.split('\n').find((text) => text.startsWith('privacy_retention_removed_total') && text.includes(`kind="${kind}"`));
    return line ? Number(line.split(' ').at(-1)) : NaN;
  };

  it('hiring: job-search activity older than RETENTION_JOB_SEARCH_ACTIVITY_DAYS goes, newer stays', async () => {
    now = new Date('2030-01-01T00:00:00Z');
    const hiring = await createHiring(loadHiringConfig(env.subgraphEnv('hiring', { RETENTION_JOB_SEARCH_ACTIVITY_DAYS: '30', RETENTION_SWEEP_INTERVAL_MS: '3600000' })), { clock });
    closers.push(() => hiring.close());
    await hiring.retention.runOnce(); // the pass every start runs, before seeding
    const entry = (daysAgo: number) => ({ _id: randomUUID(), userId: 'u-ret', jobId: 'j1', kind: 'VIEW', createdAt: new Date(now.getTime() - daysAgo * DAY) });
    await hiring.services.activity.insertMany([entry(40), entry(31), entry(29), entry(1)]);
    expect(await hiring.retention.runOnce()).toEqual({ job_search_activity: 2 });
    expect(await hiring.services.activity.countDocuments({ userId: 'u-ret' })).toBe(2);
    // Time moves on: what was 29 days old is now past the limit.
    now = new Date(now.getTime() + 2 * DAY);
    expect(await hiring.retention.runOnce()).toEqual({ job_search_activity: 1 });
    expect(await removedCounter(hiring, 'job_search_activity')).toBe(3);
    expect(hiring.retention.describe()).toEqual([{ kind: 'job_search_activity', retentionDays: 30 }]);
  });

  it('consent: access log entries older than RETENTION_ACCESS_LOG_DAYS go', async () => {
    now = new Date('2030-01-01T00:00:00Z');
    const consent = await createConsent(loadConsentConfig(env.subgraphEnv('consent', { RETENTION_ACCESS_LOG_DAYS: '365' })), { clock });
    closers.push(() => consent.close());
    await consent.retention.runOnce(); // the pass every start runs, before seeding
    // An aggregated entry: its reads span a flush window, and it is kept for the days counted from its last read (`at`).
    const reads = (id: string, daysAgo: number) => {
      const lastAt = new Date(now.getTime() - daysAgo * DAY);
      return {
        _id: id,
        viewerKind: 'partner',
        viewerId: 'key-1',
        viewerOrgId: 'org-1',
        subjectUserId: 'u-ret',
        fields: ['HiringProfile.employmentHistory', 'HiringProfile.skills'],
        count: 12,
        firstAt: new Date(lastAt.getTime() - 250),
        at: lastAt,
        purpose: 'EMPLOYER_SHARING',
        subgraph: 'hiring',
      };
    };
    // One stored before aggregation: one read, `field` and `at`.
    const oneRead = (id: string, daysAgo: number) => ({
      _id: id,
      viewerKind: 'partner',
      viewerId: 'key-1',
      viewerOrgId: 'org-1',
      subjectUserId: 'u-ret',
      field: 'HiringProfile.skills',
      purpose: 'EMPLOYER_SHARING',
      subgraph: 'hiring',
      at: new Date(now.getTime() - daysAgo * DAY),
    });
    await consent.services.accessLog.insertMany([reads('old', 400), oneRead('old-one-read', 366), reads('recent', 10), oneRead('recent-one-read', 10)]);
    expect(await consent.retention.runOnce()).toEqual({ access_log: 2 });
    expect((await consent.services.accessLog.find({ subjectUserId: 'u-ret' }).select({ _id: 1 }).lean()).map((doc) => doc._id).sort()).toEqual(['recent', 'recent-one-read']);
    expect(await removedCounter(consent, 'access_log')).toBe(2);
  });

  it('calls: ended calls past RETENTION_CALL_HISTORY_DAYS go with their changes; stale signaling payloads are purged from the stream', async () => {
    now = new Date('2030-01-01T00:00:00Z');
    const calls = await createCalls(loadCallsConfig(env.subgraphEnv('calls', { RETENTION_CALL_HISTORY_DAYS: '90', RETENTION_SIGNALING_PAYLOAD_HOURS: '2' })), { clock });
    closers.push(() => calls.close());
    await calls.retention.runOnce(); // the pass every start runs, before seeding
    const call = (id: string, daysAgo: number, phase: 'CLOSED' | 'ACTIVE') => ({
      _id: id,
      callerId: 'a',
      calleeId: 'b',
      participantIds: ['a', 'b'],
      kind: 'AUDIO',
      startedAt: new Date(now.getTime() - daysAgo * DAY),
      ringingUntil: new Date(now.getTime() - daysAgo * DAY + 45_000),
      encrypted: false,
      phase,
    });
    await calls.services.calls.insertMany([call('old-ended', 100, 'CLOSED'), call('old-live', 100, 'ACTIVE'), call('recent', 10, 'CLOSED')]);
    await calls.services.changes.insertMany([
      { _id: 'old-ended:000001', callId: 'old-ended', seq: 1, at: new Date(now.getTime() - 100 * DAY), by: 'b', status: 'ACTIVE' },
      { _id: 'old-ended:000002', callId: 'old-ended', seq: 2, at: new Date(now.getTime() - 100 * DAY), by: 'a', status: 'ENDED' },
      { _id: 'recent:000001', callId: 'recent', seq: 1, at: new Date(now.getTime() - 10 * DAY), by: 'a', status: 'ENDED' },
    ]);
    // Signals of a call that never ended cleanly (3 h old) and of a live one (now).
    const offer = { type: 'OFFER', sdp: 'v=0' } as const;
    await calls.services.signals.send('stale-call', 'a', offer, new Date(now.getTime() - 3 * 3600 * 1000));
    await calls.services.signals.send('stale-call', 'b', { ...offer, type: 'ANSWER' }, new Date(now.getTime() - 3 * 3600 * 1000));
    await calls.services.signals.send('live-call', 'a', offer, now);

    expect(await calls.retention.runOnce()).toEqual({ call_history: 1, signaling_payloads: 2 });
    expect((await calls.services.calls.find().select({ _id: 1 }).lean()).map((doc) => doc._id).sort()).toEqual(['old-live', 'recent']);
    expect((await calls.services.changes.find().select({ _id: 1 }).lean()).map((doc) => doc._id)).toEqual(['recent:000001']);
    expect((await calls.services.signals.read('stale-call', 0, 10)).signals).toEqual([]);
    expect((await calls.services.signals.read('live-call', 0, 10)).signals).toHaveLength(1);
    // Nothing more to do on the next pass.
    expect(await calls.retention.runOnce()).toEqual({ call_history: 0, signaling_payloads: 0 });
    expect(await removedCounter(calls, 'call_history')).toBe(1);
    expect(await removedCounter(calls, 'signaling_payloads')).toBe(2);
  });

  it('identity: the biometric sweep reports through the same counter', async () => {
    now = new Date('2030-01-01T00:00:00Z');
    const identity = await createIdentity(loadIdentityConfig(env.subgraphEnv('identity')), { clock });
    closers.push(() => identity.close());
    expect(await identity.retention.runOnce()).toEqual({ biometric_templates: 0 });
    expect(await removedCounter(identity, 'biometric_templates')).toBe(0);
    expect(identity.retention.describe()).toEqual([{ kind: 'biometric_templates', retentionDays: 1095 }]);
  });
});

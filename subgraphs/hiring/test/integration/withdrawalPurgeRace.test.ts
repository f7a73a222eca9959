import { consentStateSubject, createEvent, type ConsentSnapshot } from '@profile-graph/kit';
import { eventually, postGraphQL, startTestEnvironment, type TestEnvironment } from '@profile-graph/kit/testing';
import { createHiring, loadHiringConfig } from '../../src';

// Issue 17, item 5: two hiring instances on one database. The withdrawal purge runs on one of them (a shared
// durable) while the other's consent projection has not yet heard of the withdrawal; a job view recorded
// through that instance afterwards must not survive the purge.
describe('hiring: the withdrawal purge cannot be outrun by another instance', () => {
  let env: TestEnvironment;
  let first: Awaited<ReturnType<typeof createHiring>>;
  let second: Awaited<ReturnType<typeof createHiring>>;
  const urls: string[] = [];
  const userId = 'race-user-1';
  const PURPOSE = 'HIRING_RECOMMENDATIONS' as const;

  beforeAll(async () => {
    env = await startTestEnvironment();
    first = await createHiring(loadHiringConfig(env.subgraphEnv('hiring')));
    second = await createHiring(loadHiringConfig(env.subgraphEnv('hiring')));
    urls.push((await first.listen(0)).url, (await second.listen(0)).url);
    await first.services.jobs.collection.insertOne({
      _id: 'job-1' as never,
      organizationId: 'org-1',
      organizationName: 'Org',
      title: 'Engineer',
      titleLower: 'engineer',
      description: 'A job.',
      skills: [],
      status: 'OPEN',
      postedBy: { kind: 'user', id: 'poster' },
      createdAt: new Date(),
      updatedAt: new Date(),
    });
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
    await env?.stop();
  });

  /** consent's decision, as consent publishes it: the last-value snapshot and, for a withdrawal, the event. */
  const decide = async (status: 'GRANTED' | 'WITHDRAWN', version: number) => {
    const consent = await env.bus('consent');
    const snapshot: ConsentSnapshot = { userId, purpose: PURPOSE, status, version, updatedAt: new Date().toISOString() };
    await consent.publish(createEvent(consentStateSubject(userId, PURPOSE), { ...snapshot }, userId));
    if (status === 'WITHDRAWN') await consent.publish(createEvent('consent.v1.consent.withdrawn', { ...snapshot }, userId));
  };
  const view = async (url: string) => {
    const response = await postGraphQL(url, 'mutation { recordJobView(jobId: "job-1") { recorded } }', {}, await env.viewerHeaders({ kind: 'user', userId, scopes: [] }, 'hiring'));
    expect(response.body.errors).toBeUndefined();
    return response.body.data.recordJobView.recorded as boolean;
  };
  const stored = () => first.services.activity.countDocuments({ userId });

  it('removes a view written by an instance that has not yet seen the withdrawal the other instance purged', async () => {
    await decide('GRANTED', 1);
    await eventually(() => expect([first.consent.isGranted(userId, PURPOSE), second.consent.isGranted(userId, PURPOSE)]).toEqual([true, true]));
    expect([await view(urls[0]!), await view(urls[1]!)]).toEqual([true, true]);
    expect(await stored()).toBe(2);

    // The second instance stops hearing consent state: it still believes the grant (a lagging projection).
    await second.consent.stop();
    await decide('WITHDRAWN', 2);
    await eventually(async () => {
      expect(first.consent.isGranted(userId, PURPOSE)).toBe(false);
      expect(await stored()).toBe(0);
      expect(await first.services.withdrawals.findById(userId).lean()).toMatchObject({ version: 2 });
    }, 10_000);
    expect(second.consent.isGranted(userId, PURPOSE)).toBe(true);

    // The lagging instance writes after the purge ran: its entry, made under grant 1, is removed again.
    expect(await view(urls[1]!)).toBe(false);
    expect(await stored()).toBe(0);

    // A new grant is not mistaken for the old one: what the current instance records under it stays.
    await decide('GRANTED', 3);
    await eventually(() => expect(first.consent.isGranted(userId, PURPOSE)).toBe(true));
    expect(await view(urls[0]!)).toBe(true);
    expect(await first.services.activity.find({ userId }, { consentVersion: 1, _id: 0 }).lean()).toEqual([{ consentVersion: 3 }]);
  }, 40_000);
});

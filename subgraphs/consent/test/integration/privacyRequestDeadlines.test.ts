import { createEvent, ERASURE_COMPLETED_SUBJECT, type Viewer } from '@profile-graph/kit';
import { eventually, postGraphQL, startTestEnvironment, type TestEnvironment } from '@profile-graph/kit/testing';
import { createConsent, loadConsentConfig } from '../../src';
import { newUserId, userViewer } from '../support/consentTestbed';

const DAY = 86_400_000;
const REQUEST = 'id status requestedAt dueAt overdue';
const LIST = `query($o: Boolean) { openPrivacyRequests(overdueOnly: $o) { ${REQUEST} } }`;
const operator: Viewer = { kind: 'service', scopes: ['operator:privacy'] };

// Due dates (GDPR Art. 12(3)) and the operator's view of open and overdue requests, on real NATS and the
// MongoDB-wire server. Only consent runs, so its own step completes and the other three stay pending.
describe('privacy requests: due dates, the operator list, the metric', () => {
  let env: TestEnvironment;
  let consent: Awaited<ReturnType<typeof createConsent>>;
  let url: string;
  let skew = 0;

  beforeAll(async () => {
    env = await startTestEnvironment();
    consent = await createConsent(loadConsentConfig(env.subgraphEnv('consent')), { clock: () => new Date(Date.now() + skew) });
    url = (await consent.listen(0)).url;
  });
  afterAll(async () => {
    await consent?.close();
    await env?.stop();
  });

  const as = async (viewer: Viewer, query: string, variables: Record<string, unknown> = {}) => postGraphQL(url, query, variables, await env.viewerHeaders(viewer, 'consent'));
  const listed = async (overdueOnly: boolean) => {
    const response = await as(operator, LIST, { o: overdueOnly });
    expect(response.body.errors).toBeUndefined();
    return response.body.data.openPrivacyRequests as { id: string; overdue: boolean; dueAt: string }[];
  };
  const gauge = async (state: string) => {
    const text = await (await fetch(url.replace('/graphql', '/metrics'))).text();
    const line = text.split('\n').find((l) => l.startsWith('privacy_requests_open{') && l.includes(`state="${state}"`));
    return line ? Number(line.split(' ').pop()) : null;
  };

  it('dates each request one month ahead, lists it to operators while open, and flags it once overdue', async () => {
    const asked = await as(userViewer(newUserId()), `mutation { deleteMyAccount { ${REQUEST} } }`);
    expect(asked.body.errors).toBeUndefined();
    const request = asked.body.data.deleteMyAccount;
    expect(new Date(request.dueAt).getTime() - new Date(request.requestedAt).getTime()).toBe(30 * DAY);
    expect(request.overdue).toBe(false);

    expect((await listed(false)).map((r) => [r.id, r.overdue])).toEqual([[request.id, false]]);
    expect(await listed(true)).toEqual([]);
    expect([await gauge('open'), await gauge('overdue')]).toEqual([1, 0]);

    skew = 31 * DAY;
    expect((await listed(true)).map((r) => [r.id, r.overdue])).toEqual([[request.id, true]]);
    expect([await gauge('open'), await gauge('overdue')]).toEqual([1, 1]);
    const followed = await as(userViewer(newUserId()), `query($id: ID!) { privacyRequest(id: $id) { ${REQUEST} } }`, { id: request.id });
    expect(followed.body.data.privacyRequest).toMatchObject({ status: 'IN_PROGRESS', overdue: true });

    // Once every subgraph has reported, it is neither open nor overdue, however late it was.
    for (const subgraph of ['identity', 'hiring', 'calls']) {
      await consent.bus.publish(createEvent(ERASURE_COMPLETED_SUBJECT, { requestId: request.id, subgraph, removed: {}, completedAt: new Date().toISOString() }));
    }
    await eventually(async () => expect(await listed(false)).toEqual([]), 10_000);
    expect([await gauge('open'), await gauge('overdue')]).toEqual([0, 0]);
    const done = await as(userViewer(newUserId()), `query($id: ID!) { privacyRequest(id: $id) { ${REQUEST} } }`, { id: request.id });
    expect(done.body.data.privacyRequest).toMatchObject({ status: 'COMPLETED', overdue: false });
  });

  it('refuses the list to anyone without operator:privacy, users and other operators alike', async () => {
    for (const viewer of [userViewer(newUserId()), { kind: 'service', scopes: ['operator:organizations'] } as Viewer, { kind: 'partner', orgId: 'acme', keyId: 'k', scopes: ['candidates:search'] } as Viewer]) {
      const response = await as(viewer, LIST);
      expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
      expect(response.body.data?.openPrivacyRequests ?? null).toBeNull();
    }
  });
});

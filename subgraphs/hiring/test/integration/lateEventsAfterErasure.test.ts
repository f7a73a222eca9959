import { createEvent, ERASURE_REQUESTED_SUBJECT } from '@profile-graph/kit';
import { eventually, postGraphQL, startTestEnvironment, type TestEnvironment } from '@profile-graph/kit/testing';
import { createHiring, loadHiringConfig } from '../../src';

// Streams are not ordered with each other: identity events can reach hiring after the erasure request.
// Over the real bus, a late user.created or member_added must find the tombstone and recreate nothing.
describe('hiring: events arriving after an erasure', () => {
  let env: TestEnvironment;
  let hiring: Awaited<ReturnType<typeof createHiring>>;
  let n = 0;

  beforeAll(async () => {
    env = await startTestEnvironment();
    hiring = await createHiring(loadHiringConfig(env.subgraphEnv('hiring')));
    await hiring.listen(0);
  });
  afterAll(async () => {
    await hiring?.close();
    await env?.stop();
  });

  // Each event from the role that may publish it: identity's own, and consent's erasure requests.
  const publish = async (type: string, data: Record<string, unknown>) =>
    (await env.bus(type.startsWith('identity.') ? 'identity' : 'consent')).publish(createEvent(type, data, typeof data.userId === 'string' ? data.userId : undefined));
  const raw = (collection: string) => hiring.db.collection(collection);
  const erase = async (userId: string) => {
    const requestId = `req-${++n}`;
    await publish(ERASURE_REQUESTED_SUBJECT, { requestId, userId });
    await eventually(async () => expect(await raw('privacy_erasures').countDocuments({ _id: requestId as never })).toBe(1), 10_000);
  };
  /** Events of a user who is not erased, behind the late ones on the same durables: once they land, so did those. */
  const marker = async (organizationId: string) => {
    const userId = `marker-${++n}`;
    await publish('identity.v1.user.created', { userId, handle: userId, displayName: 'm', profileVersion: 1 });
    await publish('identity.v1.organization.member_added', { organizationId, userId, role: 'MEMBER' });
    await eventually(async () => {
      expect(await raw('hiring_profiles').countDocuments({ _id: userId as never })).toBe(1);
      expect(await raw('organizations').countDocuments({ _id: organizationId as never, 'members.userId': userId })).toBe(1);
    }, 10_000);
  };

  it('a late or replayed user.created does not recreate the profile, and a late member_added does not bring the member back', async () => {
    const userId = `erased-${++n}`;
    const org = `org-${n}`;
    await publish('identity.v1.user.created', { userId, handle: userId, displayName: 'Ada', profileVersion: 1 });
    await publish('identity.v1.organization.created', { organizationId: org, name: 'Acme', createdBy: `founder-${n}` });
    await publish('identity.v1.organization.member_added', { organizationId: org, userId, role: 'MEMBER' });
    await eventually(async () => {
      expect(await raw('hiring_profiles').countDocuments({ _id: userId as never })).toBe(1);
      expect(await raw('organizations').countDocuments({ _id: org as never, 'members.userId': userId })).toBe(1);
    }, 10_000);

    await erase(userId);
    expect(await raw('hiring_profiles').countDocuments({ _id: userId as never })).toBe(0);
    expect(await raw('erased_users').findOne({ _id: userId as never })).toEqual({ _id: userId, erasedAt: expect.any(Date) });

    await publish('identity.v1.user.created', { userId, handle: userId, displayName: 'Ada', profileVersion: 1 });
    await publish('identity.v1.organization.member_added', { organizationId: org, userId, role: 'ADMIN' });
    await publish('identity.v1.organization.member_role_changed', { organizationId: org, userId, role: 'ADMIN' });
    await publish('identity.v1.organization.created', { organizationId: `org-b-${n}`, name: 'Beta', createdBy: userId });
    await marker(org);

    expect(await raw('hiring_profiles').countDocuments({ _id: userId as never })).toBe(0);
    expect(await raw('organizations').countDocuments({ 'members.userId': userId })).toBe(0);
  });
});

describe('hiring: mutations by an erased user', () => {
  let env: TestEnvironment;
  let hiring: Awaited<ReturnType<typeof createHiring>>;
  let url: string;

  beforeAll(async () => {
    env = await startTestEnvironment();
    hiring = await createHiring(loadHiringConfig(env.subgraphEnv('hiring')));
    url = (await hiring.listen(0)).url;
  });
  afterAll(async () => {
    await hiring?.close();
    await env?.stop();
  });

  it('refuses an upserting mutation under a still-valid token after the erasure, and writes nothing', async () => {
    const update = 'mutation { updateHiringProfile(input: { headline: "back again" }) { headline } }';
    const as = async (userId: string) => postGraphQL(url, update, {}, await env.viewerHeaders({ kind: 'user', userId, scopes: [] }, 'hiring'));
    const before = await as('mut-live');
    expect(before.body.errors).toBeUndefined();
    expect(before.body.data.updateHiringProfile.headline).toBe('back again');

    await (await env.bus('consent')).publish(createEvent(ERASURE_REQUESTED_SUBJECT, { requestId: 'mut-req', userId: 'mut-erased' }));
    await eventually(async () => expect(await hiring.db.collection('privacy_erasures').countDocuments({ _id: 'mut-req' as never })).toBe(1), 10_000);
    const after = await as('mut-erased');
    expect(after.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(after.body.data ?? null).toBeNull();
    expect(await hiring.db.collection('hiring_profiles').countDocuments({ _id: 'mut-erased' as never })).toBe(0);
    // Reads are not refused by the guard (there is nothing left to read).
    const read = await postGraphQL(url, '{ __typename }', {}, await env.viewerHeaders({ kind: 'user', userId: 'mut-erased', scopes: [] }, 'hiring'));
    expect(read.body.errors).toBeUndefined();
  });
});

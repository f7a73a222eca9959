import { createIdentity, loadIdentityConfig } from '@profile-graph/identity';
import { eventually, postGraphQL, startTestEnvironment, type TestEnvironment } from '@profile-graph/kit/testing';
import { createHiring, loadHiringConfig } from '../../src';

// An event crossing subgraphs over a real nats-server: identity publishes
// identity.v1.user.created, hiring consumes it and creates the empty profile.
describe('hiring profile created from identity.v1.user.created', () => {
  let env: TestEnvironment;
  let identity: Awaited<ReturnType<typeof createIdentity>>;
  let hiring: Awaited<ReturnType<typeof createHiring>>;
  let identityUrl: string;

  beforeAll(async () => {
    env = await startTestEnvironment();
    identity = await createIdentity(loadIdentityConfig(env.subgraphEnv('identity')));
    hiring = await createHiring(loadHiringConfig(env.subgraphEnv('hiring')));
    identityUrl = (await identity.listen(0)).url;
    await hiring.listen(0);
  });

  afterAll(async () => {
    await hiring?.close();
    await identity?.close();
    await env?.stop();
  });

  it('creates exactly one empty profile per new user, even when the event is delivered twice', async () => {
    const headers = await env.viewerHeaders({ kind: 'anonymous', scopes: [] }, 'identity');
    const signUp = await postGraphQL(
      identityUrl,
      'mutation($input: SignUpInput!) { signUp(input: $input) { user { id handle } } }',
      { input: { handle: 'Ada_L', password: 'correct horse battery', displayName: 'Ada' } },
      headers,
    );
    expect(signUp.body.errors).toBeUndefined();
    const userId: string = signUp.body.data.signUp.user.id;

    const profile = await eventually(async () => {
      const found = await hiring.services.profiles.findById(userId).lean();
      if (!found) throw new Error('profile not created yet');
      return found;
    });
    // FerretDB drops null and [] from $setOnInsert, so absent counts as empty here.
    expect(profile._id).toBe(userId);
    expect(profile.headline ?? null).toBeNull();
    expect(profile.skills ?? []).toEqual([]);

    // Redeliver the same event as at-least-once delivery may: still one profile, unchanged.
    await hiring.services.profiles.updateOne({ _id: userId }, { $set: { headline: 'kept' } });
    const { createEvent } = await import('@profile-graph/kit');
    const replay = createEvent('identity.v1.user.created', { userId, handle: 'Ada_L', displayName: 'Ada' }, userId);
    await (await env.bus('identity')).publish(replay);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await hiring.services.profiles.countDocuments({ _id: userId })).toBe(1);
    expect((await hiring.services.profiles.findById(userId).lean())?.headline).toBe('kept');
  });
});

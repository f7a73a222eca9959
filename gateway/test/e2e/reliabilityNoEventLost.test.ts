import { randomBytes, randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { createHiring, loadHiringConfig } from '@profile-graph/hiring';
import { anonymousViewer } from '@profile-graph/core';
import { consentStateSubject, createEvent, type EventEnvelope } from '@profile-graph/kit';
import { eventually, startTestEnvironment, type TestEnvironment } from '@profile-graph/kit/testing';
import { spawnSubgraph, type SubgraphProcess } from './reliability/spawnSubgraph';

const SIGN_UP = 'mutation($input: SignUpInput!) { signUp(input: $input) { user { id } } }';

// A real identity process SIGKILLs itself between storing a sign-up (with its
// user.created event in the document's outbox) and publishing it. Restarted,
// its relay publishes the stored event and hiring creates the profile.
describe('no event lost across a crash between the write and the publish', () => {
  let env: TestEnvironment;
  let hiring: Awaited<ReturnType<typeof createHiring>>;
  let identity: SubgraphProcess | undefined;
  let identityDb: mongoose.Connection;

  beforeAll(async () => {
    env = await startTestEnvironment();
    hiring = await createHiring(loadHiringConfig(env.subgraphEnv('hiring')));
    identityDb = await mongoose.createConnection(env.mongoUri, { dbName: `${env.databasePrefix}_identity` }).asPromise();
  }, 60_000);

  afterAll(async () => {
    await identity?.stop();
    await identityDb?.close();
    await hiring?.close();
    await env?.stop();
  });

  const processEnv = (role: 'identity' | 'hiring', extra: Record<string, string> = {}) => ({ PATH: process.env.PATH, ...env.subgraphEnv(role, { LOG_LEVEL: 'info', ...extra }) });
  const identityEnv = (extra: Record<string, string> = {}) => processEnv('identity', extra);

  // hiring: its production config needs only the training feed's pseudonym key beyond the shared settings.
  const productionHiring = (extra: Record<string, string>) => processEnv('hiring', { NODE_ENV: 'production', TRAINING_PSEUDONYM_KEY: randomBytes(32).toString('base64'), ...extra });

  it('refuses the fault in production', async () => {
    await expect(spawnSubgraph('hiring', productionHiring({ FAULT_INJECTION: 'crash-after-write' }))).rejects.toThrow(
      /FAULT_INJECTION=crash-after-write is a test setting and is refused when NODE_ENV=production/,
    );
  }, 60_000);

  it('refuses the consent enforcement switch in production: the process does not start', async () => {
    await expect(spawnSubgraph('hiring', productionHiring({ CONSENT_ENFORCEMENT: 'disabled-for-benchmark' }))).rejects.toThrow(
      /CONSENT_ENFORCEMENT=disabled-for-benchmark is a benchmark setting and is refused when NODE_ENV=production/,
    );
  }, 60_000);

  it('delivers the event after a SIGKILL right after the write and a restart', async () => {
    identity = await spawnSubgraph('identity', identityEnv({ FAULT_INJECTION: 'crash-after-write' }));
    const requestId = `crash-${randomUUID()}`;
    const traceId = randomUUID().replace(/-/g, '');
    const signUp = fetch(identity.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-request-id': requestId,
        traceparent: `00-${traceId}-${'1'.repeat(16)}-01`,
        ...(await env.viewerHeaders(anonymousViewer, 'identity')),
      },
      body: JSON.stringify({ query: SIGN_UP, variables: { input: { handle: 'crash_ada', password: 'correct horse battery', displayName: 'Ada' } } }),
    });
    await expect(signUp).rejects.toThrow();
    expect(await identity.exited).toBe('SIGKILL');
    expect(identity.output()).toMatch(/fault injection: crash-after-write/);

    // The change is stored with its event; nothing reached NATS.
    const user = await identityDb.collection('users').findOne<{ _id: string; _outbox: (EventEnvelope & { _meta?: Record<string, string> })[] }>({ handle: 'crash_ada' });
    expect(user?._outbox.map((event) => event.type)).toContain('identity.v1.user.created');
    const created = user!._outbox.find((event) => event.type === 'identity.v1.user.created')!;
    expect(created._meta).toMatchObject({ requestId, traceparent: expect.stringContaining(traceId) });
    const jsm = await (await env.bus('admin')).nc.jetstreamManager();
    expect((await jsm.streams.info('IDENTITY')).state.messages).toBe(0);
    expect(await hiring.services.profiles.findById(user!._id).lean()).toBeNull();

    // Restarted without the fault: the relay publishes what the crash left behind.
    identity = await spawnSubgraph('identity', identityEnv(), identity.port);
    const profile = await eventually(async () => {
      const found = await hiring.services.profiles.findById(user!._id).lean();
      if (!found) throw new Error('no hiring profile yet');
      return found;
    }, 10_000);
    expect(profile._id).toBe(user!._id);
    await eventually(async () => expect((await identityDb.collection('users').findOne({ _id: user!._id as never }))?._outbox).toEqual([]));

    // It left as one message, with its trace context and request id in the headers.
    const message = await jsm.streams.getMessage('IDENTITY', { last_by_subj: 'identity.v1.user.created' });
    expect(message.header.get('x-request-id')).toBe(requestId);
    expect(message.header.get('traceparent')).toContain(traceId);
  }, 60_000);

  it('applies a redelivered user.created once: the profile is not reset', async () => {
    const userId = randomUUID();
    const event = createEvent('identity.v1.user.created', { userId, handle: `dup_${userId.slice(0, 8)}` }, userId);
    const handled = () => hiring.metrics.eventsHandled.get().then((m) => m.values.find((v) => v.labels.durable === 'hiring-user-created' && v.labels.outcome === 'ok')?.value ?? 0);
    const before = await handled();
    await (await env.bus('identity')).publish(event);
    await eventually(async () => expect(await hiring.services.profiles.findById(userId).lean()).not.toBeNull());
    await hiring.services.profiles.updateOne({ _id: userId }, { $set: { headline: 'Edited after sign-up' } });

    // The same envelope again, under a new message id: what JetStream hands over after its duplicate window, or after a lost ack.
    await (await env.bus('identity')).publishRaw(event.type, event, `${event.id}-redelivered`);
    await eventually(async () => expect(await handled()).toBe(before + 2));
    expect(await hiring.services.profiles.countDocuments({ _id: userId })).toBe(1);
    expect((await hiring.services.profiles.findById(userId).lean())?.headline).toBe('Edited after sign-up');
  }, 30_000);

  it('applies a redelivered consent snapshot once, and never lets an older one win', async () => {
    const userId = randomUUID();
    const changes: string[] = [];
    const off = hiring.consent.onChange((snapshot) => snapshot.userId === userId && changes.push(`${snapshot.status}@${snapshot.version}`));
    const subject = consentStateSubject(userId, 'EMPLOYER_SHARING');
    const snapshot = (status: 'GRANTED' | 'WITHDRAWN', version: number) =>
      createEvent(subject, { userId, purpose: 'EMPLOYER_SHARING', status, version, updatedAt: new Date().toISOString() }, userId);
    try {
      const granted = snapshot('GRANTED', 1);
      await (await env.bus('consent')).publish(granted);
      await (await env.bus('consent')).publishRaw(granted.type, granted, `${granted.id}-again`);
      const withdrawn = snapshot('WITHDRAWN', 2);
      await (await env.bus('consent')).publish(withdrawn);
      await (await env.bus('consent')).publishRaw(withdrawn.type, withdrawn, `${withdrawn.id}-again`);
      // A stale grant arriving late (out of order) must not resurrect the consent.
      await (await env.bus('consent')).publish(snapshot('GRANTED', 1));
      await eventually(() => expect(changes).toEqual(['GRANTED@1', 'WITHDRAWN@2']));
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(changes).toEqual(['GRANTED@1', 'WITHDRAWN@2']);
      expect(hiring.consent.isGranted(userId, 'EMPLOYER_SHARING')).toBe(false);
    } finally {
      off();
    }
  }, 30_000);
});

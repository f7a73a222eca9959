import type { Connection } from 'mongoose';
import { ConsentProjection } from '../../src/consent/consentProjection';
import { consentStateSubject } from '../../src/consent/consentPurposes';
import { connectDatabase } from '../../src/db/connectDatabase';
import { deleteMessagesMentioning } from '../../src/events/deleteMessagesMentioning';
import { EventBus } from '../../src/events/eventBus';
import { createEvent } from '../../src/events/eventEnvelope';
import { createLogger } from '@profile-graph/core';
import { erasureGuard } from '../../src/privacy/erasureGuard';
import { eventually, startTestEnvironment, type TestEnvironment } from '../../src/testing';

// Issue 17, items 1 and 2, on a real nats-server and MongoDB-wire server: streams get the configured max_age,
// erasure deletes exactly the user's messages, and running consent projections forget an erased user and do not
// store a late snapshot of them.
describe('streams after an erasure', () => {
  const logger = createLogger({ name: 'test', level: 'silent' });
  let env: TestEnvironment;

  beforeAll(async () => {
    env = await startTestEnvironment();
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('creates streams with the configured max_age (hours), and CONSENT_STATE without one by default', async () => {
    const nats = env.nats;
    const admin = await EventBus.connect({ url: nats.url, role: 'admin', nkeySeed: nats.credentials.admin.seed, name: 'max-age', timeoutMs: 5_000, logger, streamMaxAgeHours: { HIRING: 2 } });
    try {
      await admin.provisionStreams(['HIRING', 'CONSENT_STATE', 'CALLS']);
      const jsm = await admin.nc.jetstreamManager();
      const hours = async (name: string) => (await jsm.streams.info(name)).config.max_age / 3_600e9;
      expect({ HIRING: await hours('HIRING'), CALLS: await hours('CALLS'), CONSENT_STATE: await hours('CONSENT_STATE') }).toEqual({ HIRING: 2, CALLS: 168, CONSENT_STATE: 0 });
    } finally {
      await admin.close();
    }
  });

  it("deletes every message naming the user, as a whole id, and keeps the erasure record's subjects", async () => {
    const hiring = await env.bus('hiring');
    const admin = await env.bus('admin');
    await hiring.publish(createEvent('hiring.v1.profile.created', { userId: 'user-7', fields: [] }, 'user-7'));
    await hiring.publish(createEvent('hiring.v1.application.submitted', { applicationId: 'a1', candidateId: 'user-7' }));
    await hiring.publish(createEvent('hiring.v1.profile.created', { userId: 'user-70', fields: [] }, 'user-70'));
    await hiring.publish(createEvent('hiring.v1.profile.updated', { userId: 'user-7', fields: ['headline'] }, 'user-7'));
    // The owner's role may read and delete its own stream: the permission table allows it, the server checks it.
    expect(await deleteMessagesMentioning(hiring.nc, 'HIRING', 'user-7', { keepSubjects: ['hiring.v1.profile.updated'] })).toBe(2);
    const left: string[] = [];
    const jsm = await admin.nc.jetstreamManager();
    const { state } = await jsm.streams.info('HIRING');
    for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
      const message = await jsm.streams.getMessage('HIRING', { seq }).catch(() => null);
      if (message) left.push(`${message.subject} ${JSON.stringify(message.json<{ data: unknown }>().data)}`);
    }
    expect(left).toEqual(['hiring.v1.profile.created {"userId":"user-70","fields":[]}', 'hiring.v1.profile.updated {"userId":"user-7","fields":["headline"]}']);
    // Another role may not delete from a stream it does not own.
    const calls = await env.bus('calls');
    await expect(deleteMessagesMentioning(calls.nc, 'HIRING', 'user-70')).rejects.toThrow();
  });

  describe('running consent projections', () => {
    let dbA: Connection;
    let dbB: Connection;
    let a: ConsentProjection;
    let b: ConsentProjection;

    beforeAll(async () => {
      // Two instances of one subgraph: one database, a connection each (so only the poll tells B).
      dbA = await connectDatabase(env.mongoUri, `${env.databasePrefix}_proj`);
      dbB = await connectDatabase(env.mongoUri, `${env.databasePrefix}_proj`);
      const bus = await env.bus('hiring');
      a = new ConsentProjection({ db: dbA, bus, logger, staleAfterMs: 5_000, syncTimeoutMs: 5_000, erasedUsersPollMs: 100 });
      b = new ConsentProjection({ db: dbB, bus, logger, staleAfterMs: 5_000, syncTimeoutMs: 5_000, erasedUsersPollMs: 100 });
      await a.start();
      await b.start();
    });
    afterAll(async () => {
      await a?.stop();
      await b?.stop();
      await dbA?.close();
      await dbB?.close();
    });

    const snapshot = async (userId: string, version: number) => {
      const data = { userId, purpose: 'CANDIDATE_DISCOVERY', status: 'GRANTED', version, updatedAt: new Date().toISOString() };
      await (await env.bus('consent')).publish(createEvent(consentStateSubject(userId, 'CANDIDATE_DISCOVERY'), data, userId));
    };
    const stored = (userId: string) => dbA.collection('consent_projection').countDocuments({ userId });

    it('forget an erased user on every instance, and a late snapshot of them is neither kept nor stored', async () => {
      await snapshot('erased-p1', 1);
      await snapshot('kept-p2', 1);
      await eventually(async () => {
        expect([a.isGranted('erased-p1', 'CANDIDATE_DISCOVERY'), b.isGranted('erased-p1', 'CANDIDATE_DISCOVERY')]).toEqual([true, true]);
        expect(await stored('erased-p1')).toBe(1);
      });
      // The erasure runs on instance A (its handler writes the tombstone and deletes the stored copy).
      await erasureGuard(dbA).record('erased-p1', new Date());
      await dbA.collection('consent_projection').deleteMany({ userId: 'erased-p1' });
      expect(a.isGranted('erased-p1', 'CANDIDATE_DISCOVERY')).toBe(false);
      await eventually(() => expect(b.grantedSubjects('CANDIDATE_DISCOVERY').has('erased-p1')).toBe(false), 5_000);
      expect(a.states.get('erased-p1', 'CANDIDATE_DISCOVERY')).toBeUndefined();

      // A late snapshot (published before consent purged the user's keys, delivered after).
      await snapshot('erased-p1', 2);
      await snapshot('kept-p2', 2);
      await eventually(async () => expect((await dbA.collection('consent_projection').findOne({ userId: 'kept-p2' }))?.version).toBe(2));
      await a.settled();
      await b.settled();
      expect(await stored('erased-p1')).toBe(0);
      expect([a.isGranted('erased-p1', 'CANDIDATE_DISCOVERY'), b.isGranted('erased-p1', 'CANDIDATE_DISCOVERY')]).toEqual([false, false]);
      expect([a.isGranted('kept-p2', 'CANDIDATE_DISCOVERY'), b.isGranted('kept-p2', 'CANDIDATE_DISCOVERY')]).toEqual([true, true]);
    });
  });
});

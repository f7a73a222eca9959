import { connectDatabase } from '../db/connectDatabase';
import { EventBus } from '../events/eventBus';
import { createEvent, type EventEnvelope } from '../events/eventEnvelope';
import { OutboxRelay } from '../events/outbox';
import { createLogger, ERASURE_COMPLETED_SUBJECT, ERASURE_REQUESTED_SUBJECT } from '@profile-graph/core';
import { eventually, startTestEnvironment, type TestEnvironment } from '../testing';
import { erasureGuard } from './erasureGuard';
import { erasureHandler } from './erasureHandler';

// The saga step against real NATS JetStream and the MongoDB-wire server: a
// handler that fails midway is redelivered and completes, and completes once.

describe('erasureHandler', () => {
  const logger = createLogger({ name: 'test', level: 'silent' });
  let env: TestEnvironment;
  let bus: EventBus;
  let db: Awaited<ReturnType<typeof connectDatabase>>;
  let relay: OutboxRelay;
  const completed: EventEnvelope[] = [];
  const calls: string[] = [];
  const tombstonedBeforeErase: boolean[] = [];
  let failuresLeft = 1;

  beforeAll(async () => {
    env = await startTestEnvironment();
    db = await connectDatabase(env.mongoUri, `${env.databasePrefix}_privacy`);
    // The test plays consent and an observer at once: the admin role (test fixtures).
    bus = await env.connectBus('admin');
    await bus.ensureStreams(['PRIVACY']);
    relay = new OutboxRelay(bus, logger, { intervalMs: 100 });
    await db.collection('consent_projection').insertOne({ _id: 'u-1:EMPLOYER_SHARING' as never, userId: 'u-1', purpose: 'EMPLOYER_SHARING', status: 'GRANTED', version: 1 });
    const handler = erasureHandler({
      subgraph: 'hiring',
      db,
      relay,
      bus,
      logger,
      erase: async (userId) => {
        calls.push(userId);
        tombstonedBeforeErase.push(await erasureGuard(db).isErased(userId));
        // Dies midway the first time: JetStream must hand the request over again.
        if (failuresLeft-- > 0) throw new Error('crashed midway');
        return { things: 1 };
      },
    });
    relay.start();
    await bus.consume(handler);
    await bus.consume({ stream: 'PRIVACY', durable: 'test-completed', filterSubjects: [ERASURE_COMPLETED_SUBJECT], handler: async (event) => void completed.push(event) });
  });

  afterAll(async () => {
    await relay?.stop();
    await bus?.close();
    await db?.close();
    await env?.stop();
  });

  it('is redelivered after a failure, reports completion once, and ignores redeliveries after that', async () => {
    await bus.publish(createEvent(ERASURE_REQUESTED_SUBJECT, { requestId: 'r-1', userId: 'u-1' }));
    await eventually(() => expect(completed).toHaveLength(1), 10_000);
    expect(calls).toEqual(['u-1', 'u-1']);
    // The tombstone is down before anything is deleted, on the first attempt too.
    expect(tombstonedBeforeErase).toEqual([true, true]);
    expect(completed[0]!.data).toMatchObject({ requestId: 'r-1', subgraph: 'hiring', removed: { things: 1, consentProjection: 1 } });
    expect(JSON.stringify(completed[0])).not.toContain('u-1');

    // Delivered again (a replay): the receipt says it is done; nothing runs, nothing is reported.
    await bus.publish(createEvent(ERASURE_REQUESTED_SUBJECT, { requestId: 'r-1', userId: 'u-1' }));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(calls).toHaveLength(2);
    expect(completed).toHaveLength(1);
    const receipt = await db.collection('privacy_erasures').findOne({ _id: 'r-1' as never });
    expect(receipt).toMatchObject({ subgraph: 'hiring', removed: { things: 1, consentProjection: 1 }, _outbox: [] });
  }, 30_000);
});

import type { Connection } from 'mongoose';
import { createLogger } from '@profile-graph/core';
import { ConsentProjection, type ConsentSnapshot } from '../../src/consent/consentProjection';
import { connectDatabase } from '../../src/db/connectDatabase';
import { startTestEnvironment, type TestEnvironment } from '../../src/testing';

// The projection answers from memory and writes its local collection behind. When decisions arrive faster than
// the database takes them (the soak found consent holding ~1,400 queued writes, minutes behind), the backlog
// must stay one write per user and purpose, and the collection must end on the latest state of each.
describe('consent projection write-behind, on the real MongoDB-wire server', () => {
  const logger = createLogger({ name: 'test', level: 'silent' });
  let env: TestEnvironment;
  let db: Connection;
  let projection: ConsentProjection;

  beforeAll(async () => {
    env = await startTestEnvironment();
    db = await connectDatabase(env.mongoUri, `${env.databasePrefix}_writebehind`);
    projection = new ConsentProjection({ db, bus: await env.bus('hiring'), logger, staleAfterMs: 5_000, syncTimeoutMs: 5_000 });
  });
  afterAll(async () => {
    await projection?.stop();
    await db?.close();
    await env?.stop();
  });

  it('queues at most one write per user and purpose however fast decisions arrive, and stores the latest of each', async () => {
    const users = ['wb-ada', 'wb-grace', 'wb-linus'];
    const decisions = 900;
    for (let version = 1; version <= decisions; version++) {
      const snapshot: ConsentSnapshot = {
        userId: users[version % users.length]!,
        purpose: 'EMPLOYER_SHARING',
        status: version % 2 ? 'GRANTED' : 'WITHDRAWN',
        version,
        updatedAt: new Date(Date.UTC(2026, 11, 3, 12, 0, 0, version)).toISOString(),
      };
      expect(projection.apply(snapshot)).toBe(true);
      expect(projection.pendingWrites).toBeLessThanOrEqual(users.length);
    }
    // Memory decides at once: each user's latest decision.
    expect(users.map((userId) => projection.isGranted(userId, 'EMPLOYER_SHARING'))).toEqual([false, false, true]);

    await projection.settled();
    expect(projection.pendingWrites).toBe(0);
    const stored = await db.collection('consent_projection').find({}, { projection: { _id: 0, userId: 1, status: 1, version: 1 } }).sort({ userId: 1 }).toArray();
    expect(stored).toEqual([
      { userId: 'wb-ada', status: 'WITHDRAWN', version: 900 },
      { userId: 'wb-grace', status: 'WITHDRAWN', version: 898 },
      { userId: 'wb-linus', status: 'GRANTED', version: 899 },
    ]);
  });
});

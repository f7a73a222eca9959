import { connectDatabase } from '../db/connectDatabase';
import { startTestEnvironment, type TestEnvironment } from '../testing';
import { erasureGuard } from './erasureGuard';

// The guard against the real MongoDB-wire server: what it refuses, and the race it closes without transactions.
describe('ErasureGuard', () => {
  let env: TestEnvironment;
  let db: Awaited<ReturnType<typeof connectDatabase>>;

  beforeAll(async () => {
    env = await startTestEnvironment();
    db = await connectDatabase(env.mongoUri, `${env.databasePrefix}_guard`);
  });
  afterAll(async () => {
    await db?.close();
    await env?.stop();
  });

  const things = () => db.collection<{ _id: string }>('things');

  it('records a tombstone once, keeping the first time, and finds erased users among others', async () => {
    const guard = erasureGuard(db);
    expect(erasureGuard(db)).toBe(guard);
    await guard.record('g-1', new Date('2026-01-01T00:00:00Z'));
    await guard.record('g-1', new Date('2026-02-01T00:00:00Z'));
    expect(await guard.model.find({ _id: 'g-1' }).lean()).toEqual([{ _id: 'g-1', erasedAt: new Date('2026-01-01T00:00:00Z') }]);
    expect(await guard.isErased('g-1')).toBe(true);
    expect(await guard.isErased('g-2')).toBe(false);
    expect([...(await guard.erasedAmong(['g-2', 'g-1', 'g-1', 'g-3']))]).toEqual(['g-1']);
    expect(await guard.erasedAmong([])).toEqual(new Set());
  });

  it('does not write for an erased user', async () => {
    const guard = erasureGuard(db);
    await guard.record('w-1', new Date());
    const outcome = await guard.write('w-1', () => things().insertOne({ _id: 'w-1' }), () => things().deleteOne({ _id: 'w-1' }));
    expect(outcome).toBe('erased');
    expect(await things().countDocuments({ _id: 'w-1' })).toBe(0);
  });

  it('writes for a user who is not erased', async () => {
    const outcome = await erasureGuard(db).write('w-2', () => things().insertOne({ _id: 'w-2' }), () => things().deleteOne({ _id: 'w-2' }));
    expect(outcome).toBe('written');
    expect(await things().countDocuments({ _id: 'w-2' })).toBe(1);
  });

  it('undoes a write that the erasure overtook between the check and the write', async () => {
    const guard = erasureGuard(db);
    const outcome = await guard.write(
      'w-3',
      async () => {
        // The erasure runs on another instance right here: its tombstone lands, its deletion found nothing yet.
        await guard.record('w-3', new Date());
        await things().insertOne({ _id: 'w-3' });
      },
      () => things().deleteOne({ _id: 'w-3' }),
    );
    expect(outcome).toBe('erased');
    expect(await things().countDocuments({ _id: 'w-3' })).toBe(0);
  });
});

import DataLoader from 'dataloader';
import { Schema, type Connection, type Model } from 'mongoose';
import { connectDatabase } from '../../src/db/connectDatabase';
import { storageOf } from '../../src/db/storage';
import { batchByField, batchGroupedByField } from '../../src/loaders/createLoaders';
import { startTestEnvironment, type TestEnvironment } from '../../src/testing';

interface PersonDoc {
  _id: string;
  handle: string;
}
interface MessageDoc {
  _id: string;
  roomIds: string[];
  seq: number;
}

/**
 * Both ways of reading a DataLoader batch, on a real MongoDB-wire server: the
 * answers must be identical, and the command counts show what each costs.
 */
describe.each<'in' | 'per-key'>(['in', 'per-key'])('DataLoader batches read with %s', (mode) => {
  let env: TestEnvironment;
  let db: Connection;
  let people: Model<PersonDoc>;
  let messages: Model<MessageDoc>;
  const commands: string[] = [];

  beforeAll(async () => {
    env = await startTestEnvironment();
    db = await connectDatabase(env.mongoUri, `${env.databasePrefix}_batch_${mode.replace('-', '_')}`, 10_000, mode);
    people = db.model<PersonDoc>('Person', new Schema<PersonDoc>({ _id: String, handle: String }, { versionKey: false }));
    messages = db.model<MessageDoc>('Message', new Schema<MessageDoc>({ _id: String, roomIds: [String], seq: Number }, { versionKey: false }));
    await people.insertMany(Array.from({ length: 30 }, (_, i) => ({ _id: `p${i}`, handle: `h${i}` })));
    await messages.insertMany([
      { _id: 'm1', roomIds: ['r1'], seq: 3 },
      { _id: 'm2', roomIds: ['r1', 'r2'], seq: 1 },
      { _id: 'm3', roomIds: ['r2'], seq: 2 },
      { _id: 'm4', roomIds: ['r1'], seq: 2 },
    ]);
    db.getClient().on('commandStarted', (event) => {
      if (event.commandName === 'find') commands.push(event.commandName);
    });
  });

  afterAll(async () => {
    await db?.close();
    await env?.stop();
  });

  beforeEach(() => (commands.length = 0));

  it('uses the mode it was opened with', () => {
    expect(storageOf(db).indexedIn).toBe(mode === 'in');
  });

  it('answers each key in the order asked, null for a missing key, repeated keys alike', async () => {
    const load = batchByField<PersonDoc & Record<string, unknown>>(people);
    const found = await load(['p3', 'nobody', 'p1', 'p3']);
    expect(found.map((doc) => doc?.handle ?? null)).toEqual(['h3', null, 'h1', 'h3']);
  });

  it('loads by another unique field, with a projection', async () => {
    const load = batchByField<PersonDoc & Record<string, unknown>>(people, 'handle', { handle: 1 });
    expect((await load(['h7', 'h2'])).map((doc) => doc?._id)).toEqual(['p7', 'p2']);
  });

  it('groups by an array field, sorted, with a limit per key', async () => {
    const load = batchGroupedByField<MessageDoc & Record<string, unknown>>(messages, 'roomIds', { sort: { seq: 1 }, limitPerKey: 2 });
    const [r1, r2, none] = await load(['r1', 'r2', 'r9']);
    expect(r1!.map((doc) => doc._id)).toEqual(['m2', 'm4']);
    expect(r2!.map((doc) => doc._id)).toEqual(['m2', 'm3']);
    expect(none).toEqual([]);
  });

  it(`sends ${mode === 'in' ? 'one find per batch' : 'one find per distinct key'} for a DataLoader batch of 20 keys`, async () => {
    const loader = new DataLoader<string, (PersonDoc & Record<string, unknown>) | null>(batchByField<PersonDoc & Record<string, unknown>>(people));
    const keys = Array.from({ length: 20 }, (_, i) => `p${i % 10}`);
    const found = await Promise.all(keys.map((key) => loader.load(key)));
    expect(found.every((doc, i) => doc?._id === keys[i])).toBe(true);
    expect(commands).toHaveLength(mode === 'in' ? 1 : 10);
  });
});

import { Schema, type Connection, type Model } from 'mongoose';
import { connectDatabase } from '../../src/db/connectDatabase';
import { pageByIds } from '../../src/db/pageByIds';
import { storageOf } from '../../src/db/storage';
import { startTestEnvironment, type TestEnvironment } from '../../src/testing';

interface Doc {
  _id: string;
  skills: string[];
}

/**
 * The storage seam's page by ids on a real MongoDB-wire server, opened once
 * as if `$in` were indexed (one query) and once as if not (the walk by _id):
 * the pages must be the same, and the commands show which way was taken.
 */
describe.each<'in' | 'per-key'>(['in', 'per-key'])('pageByIds with BATCH_LOOKUP=%s', (mode) => {
  let env: TestEnvironment;
  let db: Connection;
  let docs: Model<Doc>;
  const finds: Record<string, unknown>[] = [];
  const ids = Array.from({ length: 40 }, (_, i) => `d${String(i).padStart(2, '0')}`);

  beforeAll(async () => {
    env = await startTestEnvironment();
    db = await connectDatabase(env.mongoUri, `${env.databasePrefix}_page_${mode.replace('-', '_')}`, 10_000, mode);
    docs = db.model<Doc>('Doc', new Schema<Doc>({ _id: String, skills: [String] }, { versionKey: false }));
    await docs.insertMany(ids.map((id, i) => ({ _id: id, skills: i % 3 === 0 ? ['go'] : ['ts'] })));
    db.getClient().on('commandStarted', (event) => {
      if (event.commandName === 'find') finds.push(event.command.filter as Record<string, unknown>);
    });
  });

  afterAll(async () => {
    await db?.close();
    await env?.stop();
  });

  beforeEach(() => (finds.length = 0));

  it('reads the capability once, at connect', () => {
    expect(storageOf(db).indexedIn).toBe(mode === 'in');
  });

  it('pages the asked ids that match, in _id order after the cursor, the same either way', async () => {
    // Unordered, with repeats and ids that have no document.
    const asked = [...ids.slice(20), 'zz-missing', ...ids.slice(0, 20), 'd05'].reverse();
    const options = { ids: asked, limit: 4, where: { skills: 'go' }, matches: (doc: Doc) => doc.skills.includes('go') };
    const first = await pageByIds(docs, { ...options, after: null });
    expect(first.map((doc) => doc._id)).toEqual(['d00', 'd03', 'd06', 'd09']);
    const second = await pageByIds(docs, { ...options, after: 'd09' });
    expect(second.map((doc) => doc._id)).toEqual(['d12', 'd15', 'd18', 'd21']);
    const last = await pageByIds(docs, { ...options, after: 'd36', limit: 10 });
    expect(last.map((doc) => doc._id)).toEqual(['d39']);
  });

  it(`reads ${mode === 'in' ? 'with one $in query' : 'by _id equality only'}`, async () => {
    const page = await pageByIds<Doc>(docs, { ids, after: null, limit: 5 });
    expect(page.map((doc) => doc._id)).toEqual(ids.slice(0, 5));
    if (mode === 'in') {
      expect(finds).toHaveLength(1);
      expect(finds[0]!._id).toEqual({ $in: ids });
    } else {
      expect(finds).toHaveLength(5);
      expect(finds.every((filter) => typeof filter._id === 'string')).toBe(true);
    }
  });
});

import type { Model } from 'mongoose';
import { WALK_BUDGET, walkByIds } from './pageByIds';

interface Doc {
  _id: string;
  skills: string[];
}
const doc = (id: string, skills: string[] = []): Doc => ({ _id: id, skills });
const hasSkill = (skill: string) => (d: Doc) => d.skills.includes(skill);

/** A stand-in for a model: findOne({ _id }).lean() over a map, counting reads. */
function fakeModel(docs: Doc[]) {
  const byId = new Map(docs.map((d) => [d._id, d]));
  const reads: string[] = [];
  const model = {
    findOne: (filter: { _id: string }) => ({
      lean: async () => {
        reads.push(filter._id);
        return byId.get(filter._id) ?? null;
      },
    }),
  } as unknown as Model<any>;
  return { model, reads };
}

// The query side (queryByIds) and the choice between the two run against the real server in
// test/integration/pageByIds.test.ts; this is the walk's paging logic alone.
describe('walkByIds', () => {
  it('pages the ids in order after the cursor, skipping missing documents and non-matches', async () => {
    const { model } = fakeModel([doc('u1', ['go']), doc('u3'), doc('u4', ['go']), doc('u5', ['go'])]);
    const ids = ['u5', 'u2', 'u4', 'u1', 'u3', 'u4'];
    expect((await walkByIds(model, { ids, after: null, limit: 2, matches: hasSkill('go') }))!.map((d) => d._id)).toEqual(['u1', 'u4']);
    expect((await walkByIds(model, { ids, after: 'u1', limit: 5, matches: hasSkill('go') }))!.map((d) => d._id)).toEqual(['u4', 'u5']);
    expect(await walkByIds(model, { ids, after: 'u9', limit: 5 })).toEqual([]);
  });

  it('reads only as many documents as the page needs when nothing is filtered', async () => {
    const ids = Array.from({ length: 300 }, (_, i) => `u${String(i).padStart(3, '0')}`);
    const { model, reads } = fakeModel(ids.filter((_, i) => i !== 3).map((id) => doc(id)));
    const page = await walkByIds(model, { ids, after: null, limit: 51 });
    expect(page!.map((d) => d._id)).toEqual(ids.filter((_, i) => i !== 3).slice(0, 51));
    expect(reads.length).toBe(52);
  });

  it('gives up (null) once a sparse filter has read WALK_BUDGET documents without filling the page', async () => {
    const ids = Array.from({ length: WALK_BUDGET + 500 }, (_, i) => `u${String(i).padStart(5, '0')}`);
    const { model, reads } = fakeModel(ids.map((id) => doc(id)));
    expect(await walkByIds(model, { ids, after: null, limit: 10, matches: hasSkill('cobol') })).toBeNull();
    expect(reads.length).toBe(WALK_BUDGET);
  });
});

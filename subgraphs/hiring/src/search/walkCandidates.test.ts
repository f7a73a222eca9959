import type { Model } from 'mongoose';
import type { HiringProfileDoc } from '../models/hiringProfileModel';
import { parseCandidateFilter } from './candidateFilter';
import { WALK_BUDGET, walkCandidates } from './walkCandidates';

const profile = (id: string, fields: Partial<HiringProfileDoc> = {}) => ({ _id: id, headline: null, skills: [], ...fields }) as unknown as HiringProfileDoc;

/** A stand-in for the profiles model: findOne({ _id }).lean() over a map, counting reads. */
function fakeProfiles(docs: HiringProfileDoc[]) {
  const byId = new Map(docs.map((doc) => [doc._id, doc]));
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

describe('walkCandidates', () => {
  it('pages consenting subjects in id order after the cursor, skipping missing profiles and non-matches', async () => {
    const { model } = fakeProfiles([profile('u1', { skills: ['go'] }), profile('u3'), profile('u4', { skills: ['go'] }), profile('u5', { skills: ['go'] })]);
    const subjects = ['u5', 'u2', 'u4', 'u1', 'u3', 'u4'];
    expect((await walkCandidates(model, subjects, parseCandidateFilter({ skills: ['go'] }), null, 2))!.map((doc) => doc._id)).toEqual(['u1', 'u4']);
    expect((await walkCandidates(model, subjects, parseCandidateFilter({ skills: ['go'] }), 'u1', 5))!.map((doc) => doc._id)).toEqual(['u4', 'u5']);
    expect(await walkCandidates(model, subjects, parseCandidateFilter(null), 'u9', 5)).toEqual([]);
  });

  it('reads only as many profiles as the page needs when nothing is filtered', async () => {
    const ids = Array.from({ length: 300 }, (_, i) => `u${String(i).padStart(3, '0')}`);
    const { model, reads } = fakeProfiles(ids.filter((_, i) => i !== 3).map((id) => profile(id)));
    const page = await walkCandidates(model, ids, parseCandidateFilter({ skills: [] }), null, 51);
    expect(page!.map((doc) => doc._id)).toEqual(ids.filter((_, i) => i !== 3).slice(0, 51));
    expect(reads.length).toBe(52);
  });

  it('gives up (null) once a sparse filter has read WALK_BUDGET profiles without filling the page', async () => {
    const ids = Array.from({ length: WALK_BUDGET + 500 }, (_, i) => `u${String(i).padStart(5, '0')}`);
    const { model, reads } = fakeProfiles(ids.map((id) => profile(id)));
    expect(await walkCandidates(model, ids, parseCandidateFilter({ skills: ['cobol'] }), null, 10)).toBeNull();
    expect(reads.length).toBe(WALK_BUDGET);
  });
});

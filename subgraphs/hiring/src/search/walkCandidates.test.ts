import type { Model } from 'mongoose';
import type { HiringProfileDoc } from '../models/hiringProfileModel';
import { WALK_BUDGET, candidateMatcher, walkCandidates } from './walkCandidates';

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

describe('candidateMatcher', () => {
  const ada = profile('a', {
    headline: 'Staff Engineer',
    skills: ['typescript', 'go'],
    employmentHistory: [{ employer: 'Acme', title: 'Compiler Hacker', from: '2020-01' }] as HiringProfileDoc['employmentHistory'],
    preferences: { locations: ['berlin', 'new york'], seniority: ['SENIOR', 'LEAD'] } as unknown as HiringProfileDoc['preferences'],
  });

  it('matches everything without a filter', () => {
    expect(candidateMatcher(null)(profile('x'))).toBe(true);
  });

  it('needs every listed skill, normalized like the query', () => {
    expect(candidateMatcher({ skills: ['TypeScript', 'Go'] })(ada)).toBe(true);
    expect(candidateMatcher({ skills: ['typescript', 'rust'] })(ada)).toBe(false);
  });

  it('finds the title in the headline or any job title, ignoring case', () => {
    expect(candidateMatcher({ title: 'staff' })(ada)).toBe(true);
    expect(candidateMatcher({ title: 'COMPILER' })(ada)).toBe(true);
    expect(candidateMatcher({ title: 'designer' })(ada)).toBe(false);
  });

  it('finds the location among the preferred ones and the seniority among the preferred levels', () => {
    expect(candidateMatcher({ location: 'New  York' })(ada)).toBe(true);
    expect(candidateMatcher({ location: 'paris' })(ada)).toBe(false);
    expect(candidateMatcher({ seniority: 'LEAD' })(ada)).toBe(true);
    expect(candidateMatcher({ seniority: 'JUNIOR' })(ada)).toBe(false);
  });

  it('refuses bad filters with the same messages as the query', () => {
    expect(() => candidateMatcher({ skills: Array.from({ length: 21 }, (_, i) => `s${i}`) })).toThrow(/at most 20 skills/);
    expect(() => candidateMatcher({ seniority: 'GURU' as never })).toThrow(/use one of/);
  });
});

describe('walkCandidates', () => {
  it('pages consenting subjects in id order after the cursor, skipping missing profiles and non-matches', async () => {
    const { model } = fakeProfiles([profile('u1', { skills: ['go'] }), profile('u3'), profile('u4', { skills: ['go'] }), profile('u5', { skills: ['go'] })]);
    const subjects = ['u5', 'u2', 'u4', 'u1', 'u3', 'u4'];
    expect((await walkCandidates(model, subjects, { skills: ['go'] }, null, 2))!.map((doc) => doc._id)).toEqual(['u1', 'u4']);
    expect((await walkCandidates(model, subjects, { skills: ['go'] }, 'u1', 5))!.map((doc) => doc._id)).toEqual(['u4', 'u5']);
    expect(await walkCandidates(model, subjects, null, 'u9', 5)).toEqual([]);
  });

  it('reads only as many profiles as the page needs when nothing is filtered', async () => {
    const ids = Array.from({ length: 300 }, (_, i) => `u${String(i).padStart(3, '0')}`);
    const { model, reads } = fakeProfiles(ids.filter((_, i) => i !== 3).map((id) => profile(id)));
    const page = await walkCandidates(model, ids, { skills: [] }, null, 51);
    expect(page!.map((doc) => doc._id)).toEqual(ids.filter((_, i) => i !== 3).slice(0, 51));
    expect(reads.length).toBe(52);
  });

  it('gives up (null) once a sparse filter has read WALK_BUDGET profiles without filling the page', async () => {
    const ids = Array.from({ length: WALK_BUDGET + 500 }, (_, i) => `u${String(i).padStart(5, '0')}`);
    const { model, reads } = fakeProfiles(ids.map((id) => profile(id)));
    expect(await walkCandidates(model, ids, { skills: ['cobol'] }, null, 10)).toBeNull();
    expect(reads.length).toBe(WALK_BUDGET);
  });
});

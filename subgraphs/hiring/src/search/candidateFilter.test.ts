import type { HiringProfileDoc } from '../models/hiringProfileModel';
import { candidateMatcher, parseCandidateFilter } from './candidateFilter';

const profile = (id: string, fields: Partial<HiringProfileDoc> = {}) => ({ _id: id, headline: null, skills: [], ...fields }) as unknown as HiringProfileDoc;

describe('candidateMatcher', () => {
  const ada = profile('a', {
    headline: 'Staff Engineer',
    skills: ['typescript', 'go'],
    employmentHistory: [{ employer: 'Acme', title: 'Compiler Hacker', from: '2020-01' }] as HiringProfileDoc['employmentHistory'],
    preferences: { locations: ['berlin', 'new york'], seniority: ['SENIOR', 'LEAD'] } as unknown as HiringProfileDoc['preferences'],
  });

  it('matches everything without a filter', () => {
    expect(candidateMatcher(parseCandidateFilter(null))(profile('x'))).toBe(true);
  });

  it('needs every listed skill, normalized like the query', () => {
    expect(candidateMatcher(parseCandidateFilter({ skills: ['TypeScript', 'Go'] }))(ada)).toBe(true);
    expect(candidateMatcher(parseCandidateFilter({ skills: ['typescript', 'rust'] }))(ada)).toBe(false);
  });

  it('finds the title in the headline or the current job title (a card field), never in past jobs, ignoring case', () => {
    expect(candidateMatcher(parseCandidateFilter({ title: 'staff' }))(ada)).toBe(true);
    expect(candidateMatcher(parseCandidateFilter({ title: 'COMPILER' }))(ada)).toBe(true);
    expect(candidateMatcher(parseCandidateFilter({ title: 'designer' }))(ada)).toBe(false);
    const moved = profile('b', {
      employmentHistory: [
        { employer: 'Now', title: 'Gardener', from: '2024-01' },
        { employer: 'Then', title: 'Compiler Hacker', from: '2020-01', to: '2023-12' },
      ] as HiringProfileDoc['employmentHistory'],
    });
    expect(candidateMatcher(parseCandidateFilter({ title: 'gardener' }))(moved)).toBe(true);
    expect(candidateMatcher(parseCandidateFilter({ title: 'compiler' }))(moved)).toBe(false);
  });

  it('finds the location among the preferred ones and the seniority among the preferred levels', () => {
    expect(candidateMatcher(parseCandidateFilter({ location: 'New  York' }))(ada)).toBe(true);
    expect(candidateMatcher(parseCandidateFilter({ location: 'paris' }))(ada)).toBe(false);
    expect(candidateMatcher(parseCandidateFilter({ seniority: 'LEAD' }))(ada)).toBe(true);
    expect(candidateMatcher(parseCandidateFilter({ seniority: 'JUNIOR' }))(ada)).toBe(false);
  });

  it('refuses bad filters, naming the field', () => {
    expect(() => parseCandidateFilter({ skills: Array.from({ length: 21 }, (_, i) => `s${i}`) })).toThrow(/at most 20 skills/);
    expect(() => parseCandidateFilter({ seniority: 'GURU' as never })).toThrow(/use one of/);
  });
});

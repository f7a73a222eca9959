import { normalizeSkills, validateHiringProfile } from './validateHiringProfile';
import { validatePostJob, validateUpdateJob } from './validateJob';

describe('validateHiringProfile', () => {
  it('normalizes skills: trims, lower-cases, folds spaces, resolves aliases, drops duplicates and blanks', () => {
    expect(normalizeSkills([' TypeScript', 'typescript ', 'Node  JS', ''])).toEqual(['typescript', 'node.js']);
    expect(normalizeSkills(['JS', 'javascript', 'K8s', 'Golang'])).toEqual(['javascript', 'kubernetes', 'go']);
  });

  it('keeps omitted fields out of the update', () => {
    expect(validateHiringProfile({ headline: 'Engineer' })).toEqual({ headline: 'Engineer' });
  });

  it('names the field that is too long', () => {
    expect(() => validateHiringProfile({ headline: 'x'.repeat(141) })).toThrow(/input\.headline/);
    expect(() => validateHiringProfile({ skills: ['y'.repeat(51)] })).toThrow(/input\.skills/);
    expect(() => validateHiringProfile({ skills: Array.from({ length: 51 }, (_, i) => `s${i}`) })).toThrow(/at most 50/);
  });

  it('validates history entries and names the bad one', () => {
    const update = validateHiringProfile({
      employmentHistory: [{ employer: ' Acme ', title: 'Engineer', from: '2020-01', description: 'Built things' }],
      educationHistory: [{ institution: 'MIT', degree: 'BSc', field: 'CS', from: '2015-09', to: '2019-06' }],
    });
    expect(update.employmentHistory).toEqual([{ employer: 'Acme', title: 'Engineer', from: '2020-01', to: null, description: 'Built things' }]);
    expect(update.educationHistory).toEqual([{ institution: 'MIT', degree: 'BSc', field: 'CS', from: '2015-09', to: '2019-06' }]);
    expect(() => validateHiringProfile({ employmentHistory: [{ employer: 'A', title: ' ' }] })).toThrow(/input\.employmentHistory\[0\]\.title/);
    expect(() => validateHiringProfile({ employmentHistory: [{ employer: 'A', title: 'B', from: '2020-13' }] })).toThrow(/input\.employmentHistory\[0\]\.from/);
    expect(() => validateHiringProfile({ educationHistory: [{ institution: 'X', from: '2020-01', to: '2019-01' }] })).toThrow(/input\.educationHistory\[0\]\.to/);
  });

  it('lower-cases preferences and names bad ones', () => {
    expect(validateHiringProfile({ preferences: { roles: ['Backend  Engineer'], locations: ['Berlin', 'berlin'], remote: true, seniority: ['SENIOR'] } }).preferences).toEqual({
      roles: ['backend engineer'],
      locations: ['berlin'],
      remote: true,
      seniority: ['SENIOR'],
    });
    expect(() => validateHiringProfile({ preferences: { seniority: ['GURU' as never] } })).toThrow(/input\.preferences\.seniority\[0\]/);
    expect(() => validateHiringProfile({ preferences: { locations: Array(11).fill('x') } })).toThrow(/input\.preferences\.locations/);
  });
});

describe('validateJob', () => {
  it('keeps lower-case copies for search and normalized skills', () => {
    expect(validatePostJob({ organizationId: 'o', title: ' Senior Engineer ', description: 'd', location: 'Berlin', skills: ['JS'] })).toEqual({
      title: 'Senior Engineer',
      titleLower: 'senior engineer',
      description: 'd',
      location: 'Berlin',
      locationLower: 'berlin',
      remote: false,
      skills: ['javascript'],
      seniority: null,
    });
  });

  it('names the bad field', () => {
    expect(() => validatePostJob({ organizationId: 'o', title: '', description: 'd' })).toThrow(/input\.title/);
    expect(() => validatePostJob({ organizationId: 'o', title: 't', description: 'x'.repeat(10_001) })).toThrow(/input\.description/);
    expect(() => validateUpdateJob({ status: 'PAUSED' as never })).toThrow(/input\.status/);
  });
});

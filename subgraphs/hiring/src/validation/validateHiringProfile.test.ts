import { normalizeSkills, validateHiringProfile } from './validateHiringProfile';

describe('validateHiringProfile', () => {
  it('normalizes skills: trims, lower-cases, folds spaces, drops duplicates and blanks', () => {
    expect(normalizeSkills([' TypeScript', 'typescript ', 'Node  JS', ''])).toEqual(['typescript', 'node js']);
  });

  it('keeps omitted fields out of the update', () => {
    expect(validateHiringProfile({ headline: 'Engineer' })).toEqual({ headline: 'Engineer' });
  });

  it('names the field that is too long', () => {
    expect(() => validateHiringProfile({ headline: 'x'.repeat(141) })).toThrow(/input\.headline/);
    expect(() => validateHiringProfile({ skills: ['y'.repeat(51)] })).toThrow(/input\.skills/);
    expect(() => validateHiringProfile({ skills: Array.from({ length: 51 }, (_, i) => `s${i}`) })).toThrow(/at most 50/);
  });
});

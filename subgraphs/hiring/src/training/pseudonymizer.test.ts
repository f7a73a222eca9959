import { randomBytes } from 'node:crypto';
import { developmentPseudonymKey, Pseudonymizer } from './pseudonymizer';

describe('Pseudonymizer', () => {
  it('is stable per user and key, differs between users and between keys, and does not contain the id', () => {
    const key = randomBytes(32);
    const one = new Pseudonymizer(key);
    expect(one.of('u-ada')).toBe(new Pseudonymizer(key).of('u-ada'));
    expect(one.of('u-ada')).not.toBe(one.of('u-bob'));
    expect(one.of('u-ada')).not.toBe(new Pseudonymizer(developmentPseudonymKey()).of('u-ada'));
    expect(one.of('u-ada')).not.toContain('ada');
    expect(one.of('u-ada')).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });
});

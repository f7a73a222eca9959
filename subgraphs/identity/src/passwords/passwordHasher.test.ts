import { createPasswordHasher } from './passwordHasher';

describe('passwordHasher (scrypt)', () => {
  const hasher = createPasswordHasher(10);

  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hasher.hash('correct horse battery');
    await expect(hasher.verify('correct horse battery', stored)).resolves.toBe(true);
    await expect(hasher.verify('correct horse batterz', stored)).resolves.toBe(false);
  });

  it('salts every hash and keeps its parameters with it', async () => {
    const [a, b] = await Promise.all([hasher.hash('same'), hasher.hash('same')]);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(a).not.toContain('same');
  });

  it('refuses malformed stored hashes instead of throwing', async () => {
    await expect(hasher.verify('x', 'plaintext')).resolves.toBe(false);
  });

  it('answers unknown handles with false after doing the same work', async () => {
    await expect(hasher.verifyAgainstDummy('anything')).resolves.toBe(false);
  });
});

import { validateProfileUpdate } from './validateProfileUpdate';

describe('validateProfileUpdate', () => {
  it('keeps only the given fields, trimmed; null removes avatar and email', () => {
    expect(validateProfileUpdate({ displayName: ' Ada ', avatarUrl: null })).toEqual({ displayName: 'Ada', avatarUrl: null });
    expect(validateProfileUpdate({ handle: 'Ada_L', email: ' Ada@Example.com ', avatarUrl: 'https://cdn.example.com/a.png' })).toEqual({
      handle: 'Ada_L',
      email: 'Ada@Example.com',
      avatarUrl: 'https://cdn.example.com/a.png',
    });
  });

  it.each([
    [{}, /^input: give at least one/],
    [{ handle: 'no' }, /^input\.handle: use 3 to 30/],
    [{ handle: 'Support' }, /^input\.handle: this handle is reserved/],
    [{ handle: null }, /^input\.handle: a handle cannot be removed/],
    [{ displayName: '' }, /^input\.displayName: use 1 to 80/],
    [{ displayName: 'x\u0000' }, /^input\.displayName: control/],
    [{ avatarUrl: 'http://cdn.example.com/a.png' }, /^input\.avatarUrl: only https/],
    [{ avatarUrl: 'javascript:alert(1)' }, /^input\.avatarUrl: only https/],
    [{ avatarUrl: 'https://user:pw@cdn.example.com/a.png' }, /^input\.avatarUrl: URLs with credentials/],
    [{ avatarUrl: 'not a url' }, /^input\.avatarUrl: spaces/],
    [{ avatarUrl: 'https://localhost/a.png' }, /^input\.avatarUrl: give a URL on a public host/],
    [{ avatarUrl: `https://example.com/${'a'.repeat(2050)}` }, /^input\.avatarUrl: use at most 2048/],
    [{ email: 'nope' }, /^input\.email: not an email/],
    [{ email: 'a@b' }, /^input\.email: not an email/],
    [{ email: { $ne: null } }, /^input\.email: give an email/],
    // The first bad field is named even when others are fine.
    [{ displayName: 'Fine', email: 'bad@' }, /^input\.email:/],
  ])('refuses %o naming the field', (input, message) => {
    expect(() => validateProfileUpdate(input as never)).toThrow(message);
  });
});

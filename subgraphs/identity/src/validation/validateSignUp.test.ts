import { validateSignUp } from './validateSignUp';

describe('validateSignUp', () => {
  const valid = { handle: 'ada_l', password: 'correct horse battery', displayName: 'Ada' };

  it('trims handle and display name', () => {
    expect(validateSignUp({ ...valid, handle: '  ada_l ', displayName: ' Ada ' })).toEqual(valid);
  });

  it.each([
    [{ handle: 'ab' }, /^handle: use 3 to 30/],
    [{ handle: 'has space' }, /^handle:/],
    [{ handle: 'x'.repeat(31) }, /^handle:/],
    [{ handle: 'Admin' }, /^handle: this handle is reserved/],
    [{ password: 'short' }, /^password: use at least 10/],
    [{ password: 'p'.repeat(201) }, /^password: use at most 200/],
    [{ displayName: '   ' }, /^displayName:/],
    [{ displayName: 'bad\u0007name' }, /^displayName: control characters/],
    [{ handle: '__proto__' }, /^handle: this handle is reserved/],
    [{ handle: 'constructor' }, /^handle: this handle is reserved/],
    [{ handle: 'Prototype' }, /^handle: this handle is reserved/],
  ])('refuses %o naming the field', (override, message) => {
    expect(() => validateSignUp({ ...valid, ...override })).toThrow(message);
  });
});

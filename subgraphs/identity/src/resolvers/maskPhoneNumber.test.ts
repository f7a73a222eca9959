import { maskPhoneNumber } from './userResolvers';

describe('maskPhoneNumber', () => {
  it.each([
    ['+15551234567', '+1••••••••67'],
    ['+447911123456', '+44••••••••56'],
    ['5551234567', '••••••••67'],
    ['+123', '•••'],
  ])('%s -> %s', (input, expected) => {
    expect(maskPhoneNumber(input)).toBe(expected);
    expect(maskPhoneNumber(input)).not.toContain(input.slice(-5, -2));
  });
});

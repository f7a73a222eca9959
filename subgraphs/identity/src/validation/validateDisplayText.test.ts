import { validateDisplayText } from './validateDisplayText';

const name = (raw: unknown) => validateDisplayText(raw, 'input.name', { min: 1, max: 80 });

describe('validateDisplayText', () => {
  it.each([
    ['Ada Lovelace', 'Ada Lovelace'],
    ['  Grace  ', 'Grace'],
    ['محمد', 'محمد'],
    ['José 🚀', 'José 🚀'],
    // A zero-width joiner inside an emoji sequence is fine: the name has visible characters.
    ['👩\u200d💻 Dev', '👩\u200d💻 Dev'],
  ])('accepts %j', (raw, expected) => {
    expect(name(raw)).toBe(expected);
  });

  it.each([
    ['evil\u202Egnp.exe', /^input\.name: bidirectional control/],
    ['\u202E', /^input\.name: bidirectional control/],
    ['a\u2066b\u2069', /^input\.name: bidirectional control/],
    ['\u200B\u200B\u200B', /^input\.name: use at least one visible character/],
    ['\u200D\uFEFF\u2060', /^input\.name: use at least one visible character/],
    ['\u3164\u3164', /^input\.name: use at least one visible character/],
    ['\u2800', /^input\.name: use at least one visible character/],
    ['bad\u0085name', /^input\.name: control characters/],
    ['', /^input\.name: use 1 to 80/],
    [42, /^input\.name: give the name as text/],
  ])('refuses %j naming the rule', (raw, message) => {
    expect(() => name(raw)).toThrow(message);
  });
});

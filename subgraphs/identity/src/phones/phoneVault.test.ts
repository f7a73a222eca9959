import { randomBytes } from 'node:crypto';
import { SealedBox } from '../crypto/sealedBox';
import { clientPhoneHash, PhoneVault, validateE164 } from './phoneVault';

describe('validateE164', () => {
  it.each(['+15551234567', '+447911123456', ' +4930123456 '])('accepts %s', (value) => expect(validateE164(value)).toBe(value.trim()));
  it.each(['15551234567', '+0551234567', '+1 555 123 4567', '+1555', '+1234567890123456', 'tel:+15551234567', ''])('refuses %s naming the field', (value) => {
    expect(() => validateE164(value)).toThrow(/^e164: use E\.164/);
  });
});

describe('PhoneVault', () => {
  const vault = new PhoneVault(new SealedBox({ k1: randomBytes(32) }, 'k1'), randomBytes(32));

  it('seals with the user as context and answers lookups from the client hash', () => {
    const stored = vault.seal('u1', '+15551234567');
    expect(JSON.stringify(stored)).not.toContain('5551234567');
    expect(JSON.stringify(stored)).not.toContain(clientPhoneHash('+15551234567'));
    expect(vault.open('u1', stored.phone)).toBe('+15551234567');
    expect(() => vault.open('u2', stored.phone)).toThrow();
    expect(vault.lookupHashOf(clientPhoneHash('+15551234567').toUpperCase())).toBe(stored.phoneLookupHash);
  });

  it('depends on the lookup key', () => {
    const other = new PhoneVault(new SealedBox({ k1: randomBytes(32) }, 'k1'), randomBytes(32));
    expect(other.lookupHashOf(clientPhoneHash('+15551234567'))).not.toBe(vault.lookupHashOf(clientPhoneHash('+15551234567')));
  });
});

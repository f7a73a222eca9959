import { randomBytes } from 'node:crypto';
import { SealedBox, SealedValueError } from './sealedBox';

describe('SealedBox', () => {
  const k1 = randomBytes(32);
  const k2 = randomBytes(32);

  it('opens what it sealed, and old ciphertexts after rotation', () => {
    const before = new SealedBox({ k1 }, 'k1');
    const sealed = before.seal(Buffer.from('+15551234567'), 'phone:u1');
    expect(sealed.keyId).toBe('k1');
    expect(sealed.ciphertext).not.toContain('5551234567');
    const after = new SealedBox({ k1, k2 }, 'k2');
    expect(after.open(sealed, 'phone:u1').toString()).toBe('+15551234567');
    expect(after.seal(Buffer.from('x'), 'phone:u1').keyId).toBe('k2');
  });

  it('refuses another context, a tampered tag and a removed key', () => {
    const box = new SealedBox({ k1 }, 'k1');
    const sealed = box.seal(Buffer.from('secret'), 'phone:u1');
    expect(() => box.open(sealed, 'phone:u2')).toThrow(SealedValueError);
    expect(() => box.open({ ...sealed, tag: Buffer.alloc(16).toString('base64') }, 'phone:u1')).toThrow(SealedValueError);
    expect(() => new SealedBox({ k2 }, 'k2').open(sealed, 'phone:u1')).toThrow(/no key with id k1/);
  });

  it('uses a fresh IV each time', () => {
    const box = new SealedBox({ k1 }, 'k1');
    expect(box.seal(Buffer.from('same'), 'c').ciphertext).not.toBe(box.seal(Buffer.from('same'), 'c').ciphertext);
  });
});

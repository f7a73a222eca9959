import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Keyring } from './keyring';

/** What is stored: AES-256-GCM output with the id of the key that made it, so rotation keeps old values readable. */
export interface SealedValue {
  keyId: string;
  iv: string;
  ciphertext: string;
  tag: string;
}

/** Thrown when a stored value cannot be opened (unknown key id, wrong context, tampering). */
export class SealedValueError extends Error {
  override readonly name = 'SealedValueError';
}

/**
 * AES-256-GCM with node:crypto. New values use `currentKeyId`; values sealed
 * under older keys open as long as their key is still in the keyring. The
 * context (e.g. `phone:<userId>`) is authenticated data: a ciphertext copied
 * onto another user, or another kind of field, does not open.
 */
export class SealedBox {
  constructor(
    private readonly keys: Keyring,
    private readonly currentKeyId: string,
  ) {
    if (!keys[currentKeyId]) throw new Error(`key id ${currentKeyId} is not in the keyring`);
  }

  get keyId(): string {
    return this.currentKeyId;
  }

  seal(plaintext: Buffer, context: string): SealedValue {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys[this.currentKeyId]!, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { keyId: this.currentKeyId, iv: iv.toString('base64'), ciphertext: ciphertext.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
  }

  open(sealed: SealedValue, context: string): Buffer {
    const key = this.keys[sealed.keyId];
    if (!key) throw new SealedValueError(`no key with id ${sealed.keyId} in the keyring (was it removed before re-encryption?)`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]);
    } catch (cause) {
      throw new SealedValueError('stored value does not open under its key and context', { cause });
    }
  }
}

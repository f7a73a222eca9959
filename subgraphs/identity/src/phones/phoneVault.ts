import { createHash, createHmac } from 'node:crypto';
import { badInput } from '@profile-graph/kit';
import type { SealedBox, SealedValue } from '../crypto/sealedBox';

/** E.164: a plus, a country code that does not start with 0, at most 15 digits in all. */
const E164 = /^\+[1-9][0-9]{6,14}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;

export function validateE164(raw: unknown, field = 'e164'): string {
  if (typeof raw !== 'string') throw badInput(field, 'give the number as text in E.164 form, e.g. +15551234567.');
  const value = raw.trim();
  if (!E164.test(value)) throw badInput(field, 'use E.164: a + then the country code and number, 8 to 16 characters, digits only (e.g. +15551234567).');
  return value;
}

/** What clients send for contact discovery: the SHA-256 (hex) of an E.164 number. */
export function clientPhoneHash(e164: string): string {
  return createHash('sha256').update(e164, 'utf8').digest('hex');
}

export function isClientPhoneHash(value: unknown): value is string {
  return typeof value === 'string' && SHA256_HEX.test(value.toLowerCase());
}

export interface StoredPhone {
  phone: SealedValue;
  /** HMAC-SHA-256(lookup key, SHA-256(e164)), hex: unlinkable without the key, so a dump cannot be brute-forced offline. */
  phoneLookupHash: string;
}

/**
 * Phone numbers at rest: AES-256-GCM ciphertext (bound to the user id) for
 * the owner's masked view, and a keyed hash for lookups. Keying the hash of
 * the client's SHA-256 (rather than of the number) lets contact discovery
 * answer from what clients send without the server ever storing, or
 * computing for storage, an unkeyed hash of a number.
 */
export class PhoneVault {
  constructor(
    private readonly box: SealedBox,
    private readonly lookupKey: Buffer,
  ) {}

  seal(userId: string, e164: string): StoredPhone {
    return { phone: this.box.seal(Buffer.from(e164, 'utf8'), `phone:${userId}`), phoneLookupHash: this.lookupHashOf(clientPhoneHash(e164)) };
  }

  open(userId: string, phone: SealedValue): string {
    return this.box.open(phone, `phone:${userId}`).toString('utf8');
  }

  /** The stored lookup hash for a client-sent SHA-256 hex. */
  lookupHashOf(clientSha256Hex: string): string {
    return createHmac('sha256', this.lookupKey).update(clientSha256Hex.toLowerCase(), 'utf8').digest('hex');
  }
}

import { createHash } from 'node:crypto';
import { z } from 'zod';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function decodeKey(value: string): Buffer | null {
  const trimmed = value.trim();
  if (!BASE64.test(trimmed)) return null;
  const key = Buffer.from(trimmed, 'base64');
  return key.length === 32 ? key : null;
}

/** One base64 32-byte key (e.g. `openssl rand -base64 32`). */
export const singleKeySchema = z
  .string()
  .transform((value, ctx) => {
    const key = decodeKey(value);
    if (!key) {
      ctx.addIssue({ code: 'custom', message: 'expected a base64 32-byte key (openssl rand -base64 32)' });
      return z.NEVER;
    }
    return key;
  });

/** `{"kid":"base64 32-byte key", ...}`: every key that may still have ciphertexts, by id. */
export const keyringSchema = z.string().transform((value, ctx) => {
  const problem = 'expected a JSON object of kid -> base64 32-byte key, e.g. {"p2":"<openssl rand -base64 32>"}';
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: problem });
    return z.NEVER;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || Object.keys(parsed).length === 0) {
    ctx.addIssue({ code: 'custom', message: problem });
    return z.NEVER;
  }
  const keys: Record<string, Buffer> = {};
  for (const [kid, encoded] of Object.entries(parsed as Record<string, unknown>)) {
    const key = typeof encoded === 'string' ? decodeKey(encoded) : null;
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(kid) || !key) {
      ctx.addIssue({ code: 'custom', message: `${problem}; entry ${JSON.stringify(kid).slice(0, 70)} is not` });
      return z.NEVER;
    }
    keys[kid] = key;
  }
  return keys;
});

export type Keyring = Record<string, Buffer>;

/**
 * A fixed key derived from a public label: for development and tests only,
 * where no secret is configured. It protects nothing; production refuses to start without real keys.
 */
export function developmentKey(label: string): Buffer {
  return createHash('sha256').update(`profile-graph development key (not secret): ${label}`).digest();
}

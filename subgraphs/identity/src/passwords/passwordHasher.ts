import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCallback(password, salt, keylen, options, (error, key) => (error ? reject(error) : resolve(key))),
  );

const KEYLEN = 32;
const MAXMEM = 256 * 1024 * 1024;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, stored: string): Promise<boolean>;
  /** Burns the same time as a real verification, for unknown handles (no timing oracle). */
  verifyAgainstDummy(password: string): Promise<false>;
}

/**
 * scrypt with parameters stored in each hash, so the cost can be raised later
 * without invalidating old hashes. Production uses OWASP's baseline
 * (N = 2^17, r = 8, p = 1); tests may lower N through config.
 */
export function createPasswordHasher(logN = 17): PasswordHasher {
  const params = { N: 2 ** logN, r: 8, p: 1, maxmem: MAXMEM };
  const hash = async (password: string) => {
    const salt = randomBytes(16);
    const key = await scrypt(password, salt, KEYLEN, params);
    return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), key.toString('base64')].join('$');
  };
  const verify = async (password: string, stored: string) => {
    const [scheme, N, r, p, salt, key] = stored.split('$');
    if (scheme !== 'scrypt' || !salt || !key) return false;
    const expected = Buffer.from(key, 'base64');
    const actual = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, {
      N: Number(N),
      r: Number(r),
      p: Number(p),
      maxmem: MAXMEM,
    });
    return timingSafeEqual(actual, expected);
  };
  let dummy: Promise<string> | undefined;
  return {
    hash,
    verify,
    verifyAgainstDummy: async (password) => {
      dummy ??= hash(randomBytes(16).toString('hex'));
      await verify(password, await dummy);
      return false;
    },
  };
}

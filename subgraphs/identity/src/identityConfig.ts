import { env, loadConfig, subgraphConfigSchema } from '@profile-graph/kit';
import { z } from 'zod';
import { developmentKey, keyringSchema, singleKeySchema } from './crypto/keyring';

const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'], { error: 'expected true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((value) => value === 'true' || value === '1');

export const identityConfigSchema = subgraphConfigSchema.extend({
  PORT: env.port(4001),
  /** Signs user access tokens; only identity holds it. */
  SESSION_PRIVATE_KEY: env.pem('private'),
  /** Key id put in every token header, so the gateway can accept old and new keys during rotation. */
  SESSION_KEY_ID: z.string().min(1).default('k1'),
  SESSION_TTL_SECONDS: z.coerce.number().int().min(60).max(3600).default(900),
  /** log2 of scrypt's N; 17 is OWASP's baseline. Lower only for tests. */
  SCRYPT_LOG_N: z.coerce.number().int().min(10).max(20).default(17),
  /** How long a refresh token (and so a session) may go unused before it can no longer be traded. */
  REFRESH_TTL_SECONDS: z.coerce.number({ error: 'expected seconds' }).int().min(300).max(90 * 24 * 3600).default(30 * 24 * 3600),
  /** Failed sign-ins per handle before each further attempt must wait (1 s, 2 s, 4 s, ...). */
  SIGNIN_FREE_FAILURES_PER_HANDLE: z.coerce.number({ error: 'expected a whole number' }).int().min(1).max(100).default(5),
  /** Failed sign-ins per client IP before each further attempt must wait; higher because of NAT. */
  SIGNIN_FREE_FAILURES_PER_IP: z.coerce.number({ error: 'expected a whole number' }).int().min(1).max(10_000).default(20),
  /** Longest wait a throttled sign-in is given. */
  SIGNIN_MAX_DELAY_SECONDS: z.coerce.number({ error: 'expected seconds' }).int().min(1).max(86_400).default(900),

  // --- Phone numbers, contact discovery, ID verification, biometrics (issue 5) ---
  /** JSON object kid -> base64 32-byte AES-256-GCM key; old kids stay listed so old ciphertexts stay readable. */
  PHONE_ENCRYPTION_KEYS: keyringSchema.optional(),
  /** The kid new phone numbers are encrypted with; must be one of PHONE_ENCRYPTION_KEYS. */
  PHONE_ENCRYPTION_KEY_ID: z.string().min(1).max(64).optional(),
  /** base64 32-byte HMAC-SHA-256 key for phone lookups; the database never holds an unkeyed hash of a number. */
  PHONE_LOOKUP_KEY: singleKeySchema.optional(),
  /** Same shape as PHONE_ENCRYPTION_KEYS, separate keys: biometric templates. */
  BIOMETRIC_ENCRYPTION_KEYS: keyringSchema.optional(),
  BIOMETRIC_ENCRYPTION_KEY_ID: z.string().min(1).max(64).optional(),
  /** Days a biometric template may be kept after the user's last interaction (BIPA: at most 3 years). */
  BIOMETRIC_RETENTION_DAYS: z.coerce.number({ error: 'expected days' }).int().min(1).max(1095).default(1095),
  /**
   * Destroy the template as soon as the verification it was made for has
   * completed: its purpose is then satisfied (BIPA 15(a)). `false` keeps it for
   * re-verification, at most BIOMETRIC_RETENTION_DAYS after the last verification.
   */
  BIOMETRIC_DESTROY_AFTER_VERIFICATION: flag(true),
  /** How often the retention sweep looks for expired templates. */
  BIOMETRIC_SWEEP_INTERVAL_MS: env.durationMs(3_600_000),
  /** `development` is a stand-in that is not a face matcher, refused in production; `http` calls VERIFICATION_PROVIDER_URL. */
  VERIFICATION_PROVIDER: z.enum(['development', 'http']).optional(),
  VERIFICATION_PROVIDER_URL: env.url(['https', 'http']).optional(),
  /** Sent as `Authorization: Bearer` to the provider, when set. */
  VERIFICATION_PROVIDER_TOKEN: z.string().min(1).optional(),
  VERIFICATION_PROVIDER_TIMEOUT_MS: env.durationMs(15_000),
  /** Largest decoded image accepted by submitIdentityVerification, per image. */
  VERIFICATION_MAX_IMAGE_BYTES: z.coerce.number({ error: 'expected bytes' }).int().min(1024).max(10_000_000).default(300_000),
  /** Most phone hashes per findUsersByPhoneHashes call. */
  CONTACT_DISCOVERY_MAX_HASHES: z.coerce.number({ error: 'expected a whole number' }).int().min(1).max(5000).default(500),
  /** Phone hashes a user may look up per hour (token bucket; bursts up to this many). */
  CONTACT_DISCOVERY_HASHES_PER_HOUR: z.coerce.number({ error: 'expected a whole number' }).int().min(1).max(1_000_000).default(2000),
});

/**
 * Keys are required in production; elsewhere fixed, publicly known
 * development keys stand in (they protect nothing and are never used in production).
 */
export const identityConfigSchemaChecked = identityConfigSchema.superRefine((config, ctx) => {
  const production = config.NODE_ENV === 'production';
  const need = (name: keyof typeof config, why: string) => ctx.addIssue({ code: 'custom', path: [name], message: why });
  for (const [keys, keyId] of [
    ['PHONE_ENCRYPTION_KEYS', 'PHONE_ENCRYPTION_KEY_ID'],
    ['BIOMETRIC_ENCRYPTION_KEYS', 'BIOMETRIC_ENCRYPTION_KEY_ID'],
  ] as const) {
    if (production && !config[keys]) need(keys, 'required in production: a JSON object of kid -> base64 32-byte key');
    if (production && !config[keyId]) need(keyId, `required in production: the kid in ${keys} new writes use`);
    if (config[keys] && config[keyId] && !config[keys]![config[keyId]!]) need(keyId, `not a kid of ${keys}`);
    if (config[keys] && !config[keyId]) need(keyId, `required when ${keys} is set`);
  }
  if (production && !config.PHONE_LOOKUP_KEY) need('PHONE_LOOKUP_KEY', 'required in production: a base64 32-byte HMAC key');
  if (production && !config.VERIFICATION_PROVIDER) need('VERIFICATION_PROVIDER', 'required in production: http');
  if (production && config.VERIFICATION_PROVIDER === 'development') {
    need('VERIFICATION_PROVIDER', 'development is a stand-in that is not a face matcher; use http in production');
  }
  if (config.VERIFICATION_PROVIDER === 'http' && !config.VERIFICATION_PROVIDER_URL) need('VERIFICATION_PROVIDER_URL', 'required when VERIFICATION_PROVIDER=http');
  // The ID image and the selfie travel to the provider: never in clear text over the network.
  if (production && config.VERIFICATION_PROVIDER_URL && new URL(config.VERIFICATION_PROVIDER_URL).protocol !== 'https:') {
    need('VERIFICATION_PROVIDER_URL', 'must be an https:// URL in production: it carries government ID images and selfies');
  }
});

/** The secrets with development stand-ins filled in (outside production only; the schema refuses production without them). */
export function identitySecrets(config: IdentityConfig) {
  const dev = (label: string) => developmentKey(label);
  return {
    phoneKeys: config.PHONE_ENCRYPTION_KEYS ?? { dev1: dev('phone-encryption') },
    phoneKeyId: config.PHONE_ENCRYPTION_KEY_ID ?? 'dev1',
    phoneLookupKey: config.PHONE_LOOKUP_KEY ?? dev('phone-lookup'),
    biometricKeys: config.BIOMETRIC_ENCRYPTION_KEYS ?? { dev1: dev('biometric-encryption') },
    biometricKeyId: config.BIOMETRIC_ENCRYPTION_KEY_ID ?? 'dev1',
    verificationProvider: config.VERIFICATION_PROVIDER ?? 'development',
  };
}

export type IdentityConfig = z.infer<typeof identityConfigSchema>;

export const loadIdentityConfig = (source: NodeJS.ProcessEnv = process.env): IdentityConfig => loadConfig(identityConfigSchemaChecked, source);

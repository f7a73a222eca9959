import { env, loadConfig, subgraphConfigSchema } from '@profile-graph/kit';
import { z } from 'zod';

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
});

export type IdentityConfig = z.infer<typeof identityConfigSchema>;

export const loadIdentityConfig = (source: NodeJS.ProcessEnv = process.env): IdentityConfig => loadConfig(identityConfigSchema, source);

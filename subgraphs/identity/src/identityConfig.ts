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
});

export type IdentityConfig = z.infer<typeof identityConfigSchema>;

export const loadIdentityConfig = (source: NodeJS.ProcessEnv = process.env): IdentityConfig => loadConfig(identityConfigSchema, source);

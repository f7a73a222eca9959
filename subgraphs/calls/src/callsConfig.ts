import { env, loadConfig, subgraphConfigSchema } from '@profile-graph/kit';
import { z } from 'zod';

export const callsConfigSchema = subgraphConfigSchema.extend({
  PORT: env.port(4004),
  /** Encryption of a new call when the caller does not say: off (the product default) or on. */
  CALL_ENCRYPTION_DEFAULT: z.enum(['off', 'on'], { error: 'expected off or on' }).default('off'),
  /** Whether `startCall(encrypted:)` may override the default (allow) or must match it (deny). */
  CALL_ENCRYPTION_CALLER_CHOICE: z.enum(['allow', 'deny'], { error: 'expected allow or deny' }).default('allow'),
  /** Who may call a user who never chose: EVERYONE, VERIFIED_ONLY, CONTACTS or NOBODY. */
  CALL_DEFAULT_WHO_CAN_CALL: z
    .enum(['EVERYONE', 'VERIFIED_ONLY', 'CONTACTS', 'NOBODY'], { error: 'expected EVERYONE, VERIFIED_ONLY, CONTACTS or NOBODY' })
    .default('EVERYONE'),
  /** A call nobody answered within this becomes MISSED. */
  CALL_RING_TIMEOUT_MS: env.durationMs(45_000),
  /** How often the sweep looks for calls that rang out. */
  CALL_SWEEP_INTERVAL_MS: env.durationMs(5_000),
  /** Upper bound of one signaling payload (SDP or ICE candidate), as UTF-8 JSON bytes. */
  CALL_SIGNAL_MAX_BYTES: z.coerce.number({ error: 'expected a number of bytes' }).int().min(256).max(1_000_000).default(16_384),
  /** Calls that ended are deleted, with their change log, this many days after they started (retention sweep). */
  RETENTION_CALL_HISTORY_DAYS: z.coerce.number({ error: 'expected a number of days' }).int().min(1).max(3650).default(730),
  /** Signaling payloads of calls that never ended cleanly are purged from the stream after this many hours. */
  RETENTION_SIGNALING_PAYLOAD_HOURS: z.coerce.number({ error: 'expected a number of hours' }).int().min(1).max(720).default(24),
  /** How often the retention sweep runs. */
  RETENTION_SWEEP_INTERVAL_MS: env.durationMs(3_600_000),
});

export type CallsConfig = z.infer<typeof callsConfigSchema>;

export const loadCallsConfig = (source: NodeJS.ProcessEnv = process.env): CallsConfig => loadConfig(callsConfigSchema, source);

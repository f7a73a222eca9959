import { env, loadConfig, subgraphConfigSchema } from '@profile-graph/kit';
import { z } from 'zod';

export const hiringConfigSchema = subgraphConfigSchema.extend({
  PORT: env.port(4002),
  /** Job-search activity is deleted this many days after it was recorded (retention sweep). */
  RETENTION_JOB_SEARCH_ACTIVITY_DAYS: z.coerce.number({ error: 'expected a number of days' }).int().min(1).max(3650).default(180),
  /** Longest another replica's change to a job takes to reach this one's recommendations (see OpenJobsSnapshot). */
  OPEN_JOBS_MAX_AGE_MS: env.durationMs(5_000),
  /** Open jobs held in memory for recommendations at most; beyond it they are queried per request. */
  OPEN_JOBS_MAX: z.coerce.number().int().min(0).max(1_000_000).default(20_000),
  /** How often the retention sweep runs. */
  RETENTION_SWEEP_INTERVAL_MS: env.durationMs(3_600_000),
  /** base64, at least 32 bytes: keys the training feed's pseudonyms. Required in production; a public stand-in elsewhere. */
  TRAINING_PSEUDONYM_KEY: z
    .string()
    .transform((value) => Buffer.from(value, 'base64'))
    .refine((key) => key.length >= 32, { error: 'expected at least 32 bytes, base64' })
    .optional(),
});

/** The key that makes pseudonyms irreversible must not be the public development stand-in in production. */
export const hiringConfigSchemaChecked = hiringConfigSchema.superRefine((config, ctx) => {
  if (config.NODE_ENV === 'production' && !config.TRAINING_PSEUDONYM_KEY) {
    ctx.addIssue({ code: 'custom', path: ['TRAINING_PSEUDONYM_KEY'], message: 'required in production: base64 of at least 32 random bytes' });
  }
});

export type HiringConfig = z.infer<typeof hiringConfigSchema>;

export const loadHiringConfig = (source: NodeJS.ProcessEnv = process.env): HiringConfig => loadConfig(hiringConfigSchemaChecked, source);

import { env, loadConfig, subgraphConfigSchema } from '@profile-graph/kit';
import { z } from 'zod';

export const consentConfigSchema = subgraphConfigSchema.extend({
  PORT: env.port(4003),
  /** The data controller named on consent receipts (Kantara CR v1.1 piiControllers). */
  CONTROLLER_NAME: z.string().min(1).default('Profile Graph'),
  CONTROLLER_CONTACT: z.string().min(1).default('Privacy Office'),
  CONTROLLER_EMAIL: z.string().email({ error: 'expected an e-mail address' }).default('privacy@profile-graph.dev'),
  CONTROLLER_ADDRESS: z.string().min(1).default('Unknown address'),
  CONTROLLER_COUNTRY: z.string().regex(/^[A-Z]{2}$/, { error: 'expected an ISO 3166-1 alpha-2 code' }).default('US'),
  PRIVACY_POLICY_URL: env.url(['https'], 'https://profile-graph.dev/privacy'),
  /** Jurisdiction on receipts when the decision did not name one. */
  DEFAULT_JURISDICTION: z.string().regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/, { error: 'expected an ISO 3166 code such as DE or US-IL' }).default('US'),
  /** How long exportMyData waits for each subgraph's part. */
  PRIVACY_EXPORT_TIMEOUT_MS: env.durationMs(5_000),
  /** Days a privacy request may stay open (GDPR Art. 12(3): one month); past it the request is overdue. */
  PRIVACY_REQUEST_DUE_DAYS: z.coerce.number({ error: 'expected a number of days' }).int().min(1).max(90).default(30),
  /** Access log entries are deleted this many days after the read they record (retention sweep). */
  RETENTION_ACCESS_LOG_DAYS: z.coerce.number({ error: 'expected a number of days' }).int().min(1).max(3650).default(730),
  /** How often the retention sweep runs. */
  RETENTION_SWEEP_INTERVAL_MS: env.durationMs(3_600_000),
});

export type ConsentConfig = z.infer<typeof consentConfigSchema>;

export const loadConsentConfig = (source: NodeJS.ProcessEnv = process.env): ConsentConfig => loadConfig(consentConfigSchema, source);

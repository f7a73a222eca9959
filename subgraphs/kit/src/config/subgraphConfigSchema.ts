import { z } from 'zod';
import { backoffListSchema, DEFAULT_DELIVERY_POLICY, type DeliveryPolicy } from '../events/deliveryPolicy';
import { CONSENT_ENFORCEMENT_SETTINGS } from '../consent/enforcementSwitch';
import { BATCH_LOOKUP_SETTINGS } from '../db/storage';
import { streams, type StreamMaxAgeHours } from '../events/streams';
import { FAULTS } from '../observability/faultInjection';
import { env, tracingConfigShape } from '@profile-graph/core';

/** Ten years: JetStream takes nanoseconds, and more would lose precision in a JavaScript number. */
const MAX_AGE_HOURS_MAX = 87_600;

/** Hours a domain stream keeps a message: the backstop for personal data on NATS, so never unlimited. */
const maxAgeHours = (fallback: number) =>
  z.coerce.number({ error: 'expected hours as a whole number' }).int({ error: 'expected hours as a whole number' }).positive({ error: 'expected a positive number of hours' }).max(MAX_AGE_HOURS_MAX, { error: 'expected at most 87600 hours (10 years)' }).default(fallback);

/** What every subgraph needs from its environment; a subgraph extends it. */
export const subgraphConfigSchema = z.object({
  NODE_ENV: env.nodeEnv(),
  LOG_LEVEL: env.logLevel(),
  HOST: z.string().default('127.0.0.1'),
  MONGODB_URI: env.url(['mongodb', 'mongodb+srv'], 'mongodb://127.0.0.1:27017'),
  /** Each subgraph's database is `<prefix>_<subgraph>`; tests use a unique prefix per run. */
  DATABASE_PREFIX: z.string().regex(/^[a-z][a-z0-9_]{0,40}$/, { error: 'expected lower-case letters, digits and _' }).default('profile_graph'),
  NATS_URL: env.urlList(['nats', 'tls'], 'nats://127.0.0.1:4222'),
  /** This subgraph's NATS nkey seed (its role in scripts/lib/natsPermissions.js); a secret, so usually NATS_NKEY_SEED_FILE. */
  NATS_NKEY_SEED: env.nkeySeed(),
  /** CA certificate (PEM file) that signed the NATS servers' certificates, for `tls://` URLs with a private CA. */
  NATS_TLS_CA_FILE: z.string().min(1).optional(),
  /** Replicas of each JetStream stream this subgraph creates: 1 locally, 3 on a 3-node cluster. */
  JETSTREAM_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
  /**
   * How long each stream keeps a message (README, "Retention on the event plane"). The owner creates its
   * streams with these; an existing stream with another max_age is reported and updated by the operator.
   */
  EVENT_STREAM_MAX_AGE_IDENTITY_HOURS: maxAgeHours(streams.IDENTITY.maxAgeHours),
  EVENT_STREAM_MAX_AGE_HIRING_HOURS: maxAgeHours(streams.HIRING.maxAgeHours),
  EVENT_STREAM_MAX_AGE_CONSENT_HOURS: maxAgeHours(streams.CONSENT.maxAgeHours),
  EVENT_STREAM_MAX_AGE_CALLS_HOURS: maxAgeHours(streams.CALLS.maxAgeHours),
  EVENT_STREAM_MAX_AGE_PRIVACY_HOURS: maxAgeHours(streams.PRIVACY.maxAgeHours),
  /** CONSENT_STATE is the snapshot projections rebuild from (one message per user and purpose): 0, no limit, by default. */
  EVENT_STREAM_MAX_AGE_CONSENT_STATE_HOURS: z.coerce.number({ error: 'expected hours as a whole number' }).int().min(0).max(MAX_AGE_HOURS_MAX).default(streams.CONSENT_STATE.maxAgeHours),
  /** Deliveries of an event whose handler keeps failing before it goes to the service's dead letter (erasure steps never give up). */
  EVENT_MAX_DELIVER: z.coerce.number({ error: 'expected a whole number of deliveries' }).int().min(2, { error: 'expected at least 2 deliveries' }).max(1_000).default(DEFAULT_DELIVERY_POLICY.maxDeliver),
  /** The wait before each redelivery of a failed event, in ms, comma-separated; the last step repeats. */
  EVENT_RETRY_BACKOFF_MS: backoffListSchema.default([...DEFAULT_DELIVERY_POLICY.backoffMs]),
  /** How often every instance drops users erased by another instance from its in-memory consent projection. */
  ERASED_USERS_POLL_MS: env.durationMs(5_000),
  /** Public half of the gateway's viewer-signing key: subgraphs can verify viewers but never mint them. */
  VIEWER_PUBLIC_KEY: env.pem('public'),
  /** Upper bound for connecting to MongoDB and NATS at startup, so a bad URL fails fast instead of hanging. */
  STARTUP_TIMEOUT_MS: env.durationMs(10_000),
  /**
   * How often the outbox relay looks for unpublished events. A local write and
   * a NATS reconnect trigger it at once, so the poll only recovers events left
   * by a crashed process; it scans the tracked collections, hence not often.
   */
  OUTBOX_POLL_MS: env.durationMs(5_000),
  /** How DataLoader batches are read: `auto` is one `$in` on MongoDB, one equality query per key on FerretDB (see connectDatabase). */
  BATCH_LOOKUP: z.enum(BATCH_LOOKUP_SETTINGS).default('auto'),
  /** How long NATS may be unreachable before consent can no longer be vouched for and others' gated reads are refused. */
  CONSENT_STALE_AFTER_MS: env.durationMs(5_000),
  /**
   * Only the benchmark turns enforcement off, to measure what it costs; the
   * value is spelled out so nobody sets it by accident, and it is refused
   * when NODE_ENV=production (assertEnforcementAllowed).
   */
  CONSENT_ENFORCEMENT: z.enum(CONSENT_ENFORCEMENT_SETTINGS).default('on'),
  /** How often granted non-owner reads of gated fields are published to the access log. */
  ACCESS_LOG_FLUSH_MS: env.durationMs(250),
  /** OpenTelemetry: OTEL_TRACES_EXPORTER (none, console, otlp), OTEL_EXPORTER_OTLP_* and OTEL_SERVICE_NAME (tracingConfig.ts). */
  ...tracingConfigShape,
  /**
   * TEST ONLY. `crash-after-write` makes the process SIGKILL itself right after
   * a state change and its outbox are stored, before the relay publishes
   * (reliability tests). Refused when NODE_ENV=production.
   */
  FAULT_INJECTION: z.enum(FAULTS).default('none'),
});

export type SubgraphConfig = z.infer<typeof subgraphConfigSchema>;

/** The per-stream max_age settings of a subgraph config, as EventBus takes them. */
export function deliveryPolicy(config: SubgraphConfig): DeliveryPolicy {
  return { maxDeliver: config.EVENT_MAX_DELIVER, backoffMs: config.EVENT_RETRY_BACKOFF_MS };
}

export function streamMaxAgeHours(config: SubgraphConfig): StreamMaxAgeHours {
  return {
    IDENTITY: config.EVENT_STREAM_MAX_AGE_IDENTITY_HOURS,
    HIRING: config.EVENT_STREAM_MAX_AGE_HIRING_HOURS,
    CONSENT: config.EVENT_STREAM_MAX_AGE_CONSENT_HOURS,
    CONSENT_STATE: config.EVENT_STREAM_MAX_AGE_CONSENT_STATE_HOURS,
    CALLS: config.EVENT_STREAM_MAX_AGE_CALLS_HOURS,
    PRIVACY: config.EVENT_STREAM_MAX_AGE_PRIVACY_HOURS,
  };
}

import { createUserNkey } from '../../../../scripts/lib/nkeys';
import { generateKeyPairPem, loadConfig } from '@profile-graph/core';
import { deliveryPolicy, subgraphConfigSchema } from '../config/subgraphConfigSchema';
import { DEFAULT_DELIVERY_POLICY, retryDelayMs } from './deliveryPolicy';

describe('the delivery policy', () => {
  const required = { VIEWER_PUBLIC_KEY: generateKeyPairPem().publicKey, NATS_NKEY_SEED: createUserNkey().seed };

  it('waits longer after each failed delivery, and keeps the last step', () => {
    const policy = { maxDeliver: 8, backoffMs: [1_000, 2_000, 5_000] };
    expect([1, 2, 3, 4, 7].map((delivery) => retryDelayMs(policy, delivery))).toEqual([1_000, 2_000, 5_000, 5_000, 5_000]);
  });

  it('reads EVENT_MAX_DELIVER and EVENT_RETRY_BACKOFF_MS once, with defaults', () => {
    expect(deliveryPolicy(loadConfig(subgraphConfigSchema, required))).toEqual(DEFAULT_DELIVERY_POLICY);
    expect(deliveryPolicy(loadConfig(subgraphConfigSchema, { ...required, EVENT_MAX_DELIVER: '3', EVENT_RETRY_BACKOFF_MS: '250, 500' }))).toEqual({ maxDeliver: 3, backoffMs: [250, 500] });
  });

  it('refuses a policy that would retry at once, forever or never', () => {
    expect(() => loadConfig(subgraphConfigSchema, { ...required, EVENT_RETRY_BACKOFF_MS: '1000,,5000' })).toThrow(/EVENT_RETRY_BACKOFF_MS.*milliseconds separated by commas/);
    expect(() => loadConfig(subgraphConfigSchema, { ...required, EVENT_RETRY_BACKOFF_MS: '0' })).toThrow(/EVENT_RETRY_BACKOFF_MS/);
    expect(() => loadConfig(subgraphConfigSchema, { ...required, EVENT_MAX_DELIVER: '1' })).toThrow(/EVENT_MAX_DELIVER.*at least 2/);
    expect(() => loadConfig(subgraphConfigSchema, { ...required, EVENT_MAX_DELIVER: '-1' })).toThrow(/EVENT_MAX_DELIVER/);
  });
});

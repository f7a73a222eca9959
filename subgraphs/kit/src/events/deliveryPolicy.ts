import { z } from 'zod';

/**
 * How a durable consumer retries a failing handler (EVENT_MAX_DELIVER, EVENT_RETRY_BACKOFF_MS). Delivery n that
 * fails is delivered again after `backoffMs[n - 1]` (the last step repeats); the delivery numbered `maxDeliver`
 * that fails goes to the dead letter instead. `maxDeliver` is also the JetStream consumer's `max_deliver`, so a
 * handler that crashes the process (no nak at all) is not redelivered forever either.
 */
export interface DeliveryPolicy {
  maxDeliver: number;
  backoffMs: readonly number[];
}

/** About 3 minutes of retries over 8 deliveries (7 waits): long enough for a database failover, short enough to notice. */
export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = { maxDeliver: 8, backoffMs: [1_000, 2_000, 5_000, 15_000, 30_000, 60_000] };

/** A consumer whose events must never be given up (erasure steps): retried at the backoff's pace for as long as it fails. */
export const UNLIMITED = 'unlimited' as const;

export function retryDelayMs(policy: DeliveryPolicy, deliveryCount: number): number {
  const steps = policy.backoffMs.length ? policy.backoffMs : DEFAULT_DELIVERY_POLICY.backoffMs;
  return steps[Math.min(Math.max(deliveryCount, 1), steps.length) - 1]!;
}

/** EVENT_RETRY_BACKOFF_MS: milliseconds, comma-separated, each a positive whole number, at most an hour. */
export const backoffListSchema = z
  .string()
  .transform((value, context) => {
    const steps = value.split(',').map((part) => Number(part.trim()));
    if (steps.length === 0 || steps.some((step) => !Number.isInteger(step) || step <= 0 || step > 3_600_000)) {
      context.addIssue({ code: 'custom', message: 'expected milliseconds separated by commas, e.g. 1000,2000,5000 (each 1 to 3600000)' });
      return z.NEVER;
    }
    return steps;
  });

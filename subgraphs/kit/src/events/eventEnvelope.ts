import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/**
 * Every change event on the bus. `type` is also the NATS subject
 * (`<domain>.v1.<entity>.<event>`), and `id` the JetStream message id, so a
 * republished event is dropped by the stream's duplicate window.
 */
export interface EventEnvelope<T = Record<string, unknown>> {
  id: string;
  type: string;
  occurredAt: string;
  subjectUserId?: string;
  data: T;
  version: 1;
}

const SUBJECT = /^[a-z]+\.v1\.[a-z_]+(\.[a-z0-9_-]+)+$/i;

export function createEvent<T extends Record<string, unknown>>(type: string, data: T, subjectUserId?: string): EventEnvelope<T> {
  if (!SUBJECT.test(type)) throw new Error(`event type ${type} is not of the form <domain>.v1.<entity>.<event>`);
  return { id: randomUUID(), type, occurredAt: new Date().toISOString(), ...(subjectUserId ? { subjectUserId } : {}), data, version: 1 };
}

/** What every consumer checks before a handler sees an event; each handler then checks its own `data`. */
const envelopeSchema = z.object({
  id: z.string().min(1).max(128),
  type: z.string().regex(SUBJECT),
  occurredAt: z.string(),
  subjectUserId: z.string().optional(),
  data: z.record(z.string(), z.unknown()),
  version: z.literal(1),
});

export function parseEvent(bytes: Uint8Array): EventEnvelope {
  const parsed = envelopeSchema.safeParse(JSON.parse(Buffer.from(bytes).toString('utf8')));
  // The issues are not in the message: they could quote the payload.
  if (!parsed.success) throw new Error('not an event envelope');
  return parsed.data as EventEnvelope;
}

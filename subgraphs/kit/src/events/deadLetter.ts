import { z } from 'zod';
import type { NatsConnection } from 'nats';
import { streams, type StreamName } from './streams';

/**
 * The dead letter: where a consumer puts an event it gave up on (its handler failed `maxDeliver` times, or its
 * payload does not fit the catalog). One stream per service (`DEADLETTER_<SERVICE>` over
 * `deadletter.<service>.>`), which only that service may write (scripts/lib/natsPermissions.js), one subject per
 * durable. A record is a reference, never a copy: the event's id, type, stream and sequence, why it was given
 * up (the zod issue paths, the error's name), so it holds nothing of the user the erasure would have to find;
 * the event itself stays where it was (until its stream's max_age, or the erasure deletes it) and an operator
 * reads it there by sequence. The stream's own max_age (DEADLETTER_*) bounds how long records stay.
 */
export const DEAD_LETTER_REASONS = ['handler_failed', 'invalid_payload', 'malformed_envelope', 'unknown_type'] as const;
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

export const deadLetterRecordSchema = z.object({
  service: z.string(),
  durable: z.string(),
  stream: z.string(),
  streamSequence: z.number().int(),
  eventId: z.string().optional(),
  /** The catalog's subject (a family's pattern, `consent.v1.state.>`), never the message's subject, which can name a user. */
  type: z.string(),
  reason: z.enum(DEAD_LETTER_REASONS),
  deliveries: z.number().int(),
  /** Paths of the payload that did not fit (invalid_payload), never the values. */
  issues: z.array(z.string()).optional(),
  /** The error's name or code (handler_failed): its message could quote user data. */
  error: z.string().optional(),
  deadLetteredAt: z.string(),
});
export type DeadLetterRecord = z.infer<typeof deadLetterRecordSchema>;

export const DEAD_LETTER_SERVICES = ['identity', 'hiring', 'consent', 'calls'] as const;

export function deadLetterStreamOf(service: string): StreamName {
  const name = `DEADLETTER_${service.toUpperCase()}`;
  if (!(name in streams)) throw new Error(`no dead-letter stream for service ${service} (streams.ts)`);
  return name as StreamName;
}

export const deadLetterSubject = (service: string, durable: string) => `deadletter.${service}.${durable}`;

/** What an error may say in a record or log line: its name and code, never its message. */
export function errorLabel(error: unknown): string {
  const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };
  return [typeof name === 'string' ? name : 'Error', typeof code === 'string' || typeof code === 'number' ? String(code) : null].filter(Boolean).join(':');
}

export interface ListedDeadLetter extends DeadLetterRecord {
  /** Sequence of the record in its dead-letter stream. */
  seq: number;
}

/**
 * The dead letters of the given services, oldest first (operator tools: `npm run deadletters`, as the admin
 * role; services cannot read one another's). A record that no longer parses is listed by its sequence alone.
 */
export async function listDeadLetters(nc: NatsConnection, options: { services?: readonly string[]; limit?: number } = {}): Promise<ListedDeadLetter[]> {
  const jsm = await nc.jetstreamManager();
  const listed: ListedDeadLetter[] = [];
  const limit = options.limit ?? 1_000;
  for (const service of options.services ?? DEAD_LETTER_SERVICES) {
    const stream = deadLetterStreamOf(service);
    let state;
    try {
      ({ state } = await jsm.streams.info(stream));
    } catch (error) {
      if (String((error as Error).message).includes('stream not found')) continue;
      throw error;
    }
    for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0 && listed.length < limit; seq += 1) {
      let message;
      try {
        message = await jsm.streams.getMessage(stream, { seq });
      } catch (error) {
        // Deleted or aged out between the info and the read.
        if (/no message found|not found/i.test(String((error as Error).message))) continue;
        throw error;
      }
      const parsed = deadLetterRecordSchema.safeParse(message.json());
      if (parsed.success) listed.push({ ...parsed.data, seq });
      else listed.push({ seq, service, durable: message.subject.split('.')[2] ?? '?', stream: '?', streamSequence: 0, type: 'unreadable record', reason: 'malformed_envelope', deliveries: 0, deadLetteredAt: '' });
    }
  }
  return listed;
}

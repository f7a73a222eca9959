import type { NatsConnection } from 'nats';
import { streams, type StreamName } from './streams';

export interface DeleteMentioningOptions {
  /** Subjects whose messages stay even when they name the user (the erasure record itself). */
  keepSubjects?: readonly string[];
  /** Upper bound for reading the stream once; the erasure is retried when it is exceeded. */
  timeoutMs?: number;
}

/**
 * Deletes, from one stream, every message whose subject or payload names `needle` (a user id), and overwrites
 * it on disk (`erase`), so a replay or a reader with stream access finds nothing of the user. Events name users
 * by id in many fields (`userId`, `callerId`, `candidateId`, `createdBy`, access-log entries), so the payload is
 * searched for the id as a JSON string rather than through a list of fields that a new event could outgrow. One pass of an ordered consumer
 * over the stream, bounded by its max_age; resolves with how many messages went.
 */
export async function deleteMessagesMentioning(nc: NatsConnection, stream: StreamName, needle: string, options: DeleteMentioningOptions = {}): Promise<number> {
  if (!needle) throw new Error('refusing to delete stream messages without a user id');
  const jsm = await nc.jetstreamManager();
  const { state } = await jsm.streams.info(stream);
  if (state.messages === 0) return 0;
  const lastSeq = state.last_seq;
  const keep = new Set(options.keepSubjects ?? []);
  // As a whole JSON string or subject token: the id `u-1` does not match `u-10`.
  const bytes = Buffer.from(JSON.stringify(needle), 'utf8');
  const hits: number[] = [];
  // From the first sequence (an ordered consumer's default; DeliverPolicy.All with its start sequence is refused).
  // Filters as a list: nats.js then uses the unnamed create, the only one an ephemeral reader is granted.
  const consumer = await nc.jetstream().consumers.get(stream, { filterSubjects: [...streams[stream].subjects] });
  const messages = await consumer.consume({ max_messages: 1024 });
  const timeoutMs = options.timeoutMs ?? 30_000;
  const timer = setTimeout(() => messages.stop(), timeoutMs);
  let complete = false;
  try {
    for await (const message of messages) {
      const seq = message.info.streamSequence;
      if (!keep.has(message.subject) && (message.subject.split('.').includes(needle) || Buffer.from(message.data).includes(bytes))) hits.push(seq);
      // Messages published after we started belong to the next erasure step (or are refused by the guard).
      if (seq >= lastSeq || message.info.pending === 0) {
        complete = true;
        break;
      }
    }
  } finally {
    clearTimeout(timer);
    messages.stop();
  }
  // A partial pass must not pass for an erased stream: the erasure step fails and is redelivered.
  if (!complete) throw new Error(`reading ${stream} did not complete within ${timeoutMs} ms`);
  let deleted = 0;
  for (const seq of hits) {
    try {
      if (await jsm.streams.deleteMessage(stream, seq, true)) deleted += 1;
    } catch (error) {
      // Gone meanwhile (max_age, another instance's erasure of the same request): nothing left to delete.
      if (!/no message found|not found/i.test(String((error as Error).message))) throw error;
    }
  }
  return deleted;
}

import { randomUUID } from 'node:crypto';
import type { EventBus } from '@profile-graph/kit';
import type { CallSignalPayload } from '../validation/signalInput';

export interface RelayedSignal {
  id: string;
  callId: string;
  fromUserId: string;
  sentAt: string;
  payload: CallSignalPayload;
  /** Stream sequence: the cursor to read on from. */
  seq: number;
}

// Types reached through the kit's bus, so calls needs no nats dependency of its own.
type JetStreamManager = Awaited<ReturnType<EventBus['nc']['jetstreamManager']>>;
type MsgRequest = Parameters<JetStreamManager['streams']['getMessage']>[1];

const STREAM = 'CALLS';

export const signalSubject = (callId: string) => `calls.v1.signal.${callId}`;

/**
 * WebRTC signaling through JetStream: each signal is one message on the call's
 * own subject in the CALLS stream, read back by subject from a sequence
 * number. Signals are published directly, not through the outbox: they change
 * no state of ours, so there is nothing for them to part ways with; a failed
 * publish fails the mutation and the client sends again (the message id
 * dedupes a retry that did land). They live only while the call does: the
 * subject is purged when the call ends.
 */
export class SignalRelay {
  private jsm: Promise<JetStreamManager> | null = null;

  constructor(private readonly bus: EventBus) {}

  private manager(): Promise<JetStreamManager> {
    this.jsm ??= this.bus.nc.jetstreamManager();
    return this.jsm;
  }

  async send(callId: string, fromUserId: string, payload: CallSignalPayload, sentAt: Date): Promise<RelayedSignal> {
    const id = randomUUID();
    const body = { id, callId, fromUserId, sentAt: sentAt.toISOString(), payload };
    const ack = await this.bus.nc.jetstream().publish(signalSubject(callId), Buffer.from(JSON.stringify(body)), { msgID: id });
    return { ...body, seq: ack.seq };
  }

  /** Up to `limit` signals after stream sequence `after`, oldest first, and the sequence read up to. */
  async read(callId: string, after: number, limit: number): Promise<{ signals: RelayedSignal[]; lastSeq: number }> {
    const jsm = await this.manager();
    const signals: RelayedSignal[] = [];
    let lastSeq = after;
    while (signals.length < limit) {
      let message;
      try {
        // The server's MSG.GET takes next_by_subj (first message on the subject at or after seq);
        // nats.js types it only for direct get, which would need allow_direct on the shared stream.
        message = await jsm.streams.getMessage(STREAM, { seq: lastSeq + 1, next_by_subj: signalSubject(callId) } as unknown as MsgRequest);
      } catch (error) {
        if (/no message found/i.test(String((error as Error).message))) break;
        throw error;
      }
      lastSeq = message.seq;
      signals.push({ ...(JSON.parse(Buffer.from(message.data).toString('utf8')) as Omit<RelayedSignal, 'seq'>), seq: message.seq });
    }
    return { signals, lastSeq };
  }

  async purge(callId: string): Promise<void> {
    await (await this.manager()).streams.purge(STREAM, { filter: signalSubject(callId) });
  }
}

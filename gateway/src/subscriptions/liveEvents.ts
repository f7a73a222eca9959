import { Events, type NatsConnection, type Subscription } from 'nats';
import { z } from 'zod';
import type { Logger } from '@profile-graph/core';

/**
 * What the gateway hears, as core NATS subscriptions (no JetStream: live events are
 * at-most-once, and a client catches up with the cursor queries). Each is only a
 * trigger: the event's content is never sent to a client, the subscriber's query is
 * run instead, so the payload carries no more than ids.
 */
export const LIVE_SUBJECTS = {
  callEvents: 'calls.v1.call.*',
  callSignals: 'calls.v1.signal.*',
  consentDecisions: 'consent.v1.consent.*',
  erasureProgress: 'privacy.v1.erasure.completed',
} as const;

const CALL_ENDED = new Set(['calls.v1.call.ended', 'calls.v1.call.declined', 'calls.v1.call.missed', 'calls.v1.call.failed']);
const ID = z.string().min(1).max(200);

/** How many event ids are remembered to drop a repeated publish (the outbox relays at least once; JetStream dedupes what it stores, not what core subscribers hear). */
const RECENT_IDS = 10_000;

const callEvent = z.object({ id: ID, data: z.object({ callId: ID, calleeId: ID.optional() }) });
const consentEvent = z.object({ id: ID, data: z.object({ userId: ID, purpose: z.string().regex(/^[A-Z_]{1,64}$/) }) });
const erasureEvent = z.object({ id: ID, data: z.object({ requestId: ID }) });

export type LiveEvent =
  | { topic: `incoming:${string}`; callId: string }
  | { topic: `call:${string}`; callId: string; ended: boolean }
  | { topic: `signal:${string}`; callId: string }
  | { topic: `consent:${string}`; purpose: string }
  | { topic: `privacy:${string}`; requestId: string };

export const topics = {
  incoming: (userId: string) => `incoming:${userId}` as const,
  call: (callId: string) => `call:${callId}` as const,
  signal: (callId: string) => `signal:${callId}` as const,
  consent: (userId: string) => `consent:${userId}` as const,
  privacy: (requestId: string) => `privacy:${requestId}` as const,
};

export interface LiveEventsOptions {
  logger: Logger;
  /** Called with the subject of every message that did not fit its schema (counted, never acted on). */
  onRefused?: (subject: string) => void;
  /** NATS lost: events may be missed from now on, so open subscriptions are ended (clients reconnect and catch up). */
  onLost?: () => void;
}

type Listener = (event: LiveEvent) => void;

/** Routes NATS events to the open subscriptions that wait for them, by topic; one NATS subscription per subject, whatever the number of clients. */
export class LiveEvents {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly recent = new Set<string>();
  private connected = true;
  private stopped = false;
  private readonly subscriptions: Subscription[] = [];

  private constructor(
    private readonly nc: NatsConnection,
    private readonly options: LiveEventsOptions,
  ) {}

  /** Listens on the gateway's NATS connection (IdentityLink's: one connection per gateway). */
  static start(nc: NatsConnection, options: LiveEventsOptions): LiveEvents {
    const events = new LiveEvents(nc, options);
    events.start();
    return events;
  }

  /** Calls `listener` for every event on `topic` until the returned function is called. */
  listen(topic: string, listener: Listener): () => void {
    let set = this.listeners.get(topic);
    if (!set) this.listeners.set(topic, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(topic) === set) this.listeners.delete(topic);
    };
  }

  /** False while NATS is away: events would be missed, so no subscription is opened then. */
  get isConnected(): boolean {
    return this.connected && !this.nc.isClosed();
  }

  /** Topics with at least one listener (tests check that closed subscriptions leave none behind). */
  get openTopics(): number {
    return this.listeners.size;
  }

  private emit(event: LiveEvent): void {
    for (const listener of [...(this.listeners.get(event.topic) ?? [])]) listener(event);
  }

  /** The event, once: undefined when it does not fit (counted) or was already heard. */
  private parse<T extends { id: string }>(schema: z.ZodType<T>, subject: string, bytes: Uint8Array): T | undefined {
    try {
      const parsed = schema.safeParse(JSON.parse(Buffer.from(bytes).toString('utf8')));
      if (parsed.success) {
        if (this.recent.has(parsed.data.id)) return undefined;
        this.recent.add(parsed.data.id);
        if (this.recent.size > RECENT_IDS) this.recent.delete(this.recent.values().next().value!);
        return parsed.data;
      }
    } catch {
      // counted below like any message that does not fit
    }
    this.options.onRefused?.(subject);
    this.options.logger.error({ subject }, 'refused a NATS message that does not fit its schema');
    return undefined;
  }

  private track(subject: string, options: Parameters<NatsConnection['subscribe']>[1]): void {
    this.subscriptions.push(this.nc.subscribe(subject, options));
  }

  private start(): void {
    this.track(LIVE_SUBJECTS.callEvents, {
      callback: (error, message) => {
        if (error) return;
        const event = this.parse(callEvent, message.subject, message.data);
        if (!event) return;
        const { callId, calleeId } = event.data;
        if (message.subject === 'calls.v1.call.started' && calleeId) this.emit({ topic: topics.incoming(calleeId), callId });
        this.emit({ topic: topics.call(callId), callId, ended: CALL_ENDED.has(message.subject) });
      },
    });
    this.track(LIVE_SUBJECTS.callSignals, {
      // The signal itself (SDP, ICE candidates) is not even parsed: the subscriber reads it through callSignals.
      callback: (error, message) => {
        if (error) return;
        const callId = message.subject.slice('calls.v1.signal.'.length);
        if (callId) this.emit({ topic: topics.signal(callId), callId });
      },
    });
    this.track(LIVE_SUBJECTS.consentDecisions, {
      callback: (error, message) => {
        if (error) return;
        const event = this.parse(consentEvent, message.subject, message.data);
        if (event) this.emit({ topic: topics.consent(event.data.userId), purpose: event.data.purpose });
      },
    });
    this.track(LIVE_SUBJECTS.erasureProgress, {
      callback: (error, message) => {
        if (error) return;
        const event = this.parse(erasureEvent, message.subject, message.data);
        if (event) this.emit({ topic: topics.privacy(event.data.requestId), requestId: event.data.requestId });
      },
    });
    void (async () => {
      for await (const status of this.nc.status()) {
        if (this.stopped) return;
        if (status.type === Events.Reconnect) this.connected = true;
        if (status.type === Events.Disconnect) {
          this.connected = false;
          this.options.logger.warn('NATS disconnected: open subscriptions are ended, clients reconnect and catch up');
          this.options.onLost?.();
        }
      }
    })().catch(() => undefined);
  }

  /** Stops listening; the connection itself is IdentityLink's to close. */
  stop(): void {
    this.stopped = true;
    this.listeners.clear();
    for (const subscription of this.subscriptions) subscription.unsubscribe();
  }
}

import { DeliverPolicy, Events, type ConsumerMessages, type NatsConnection } from 'nats';
import {
  MAX_REVOCATION_TTL_MS,
  REVOCATIONS_STREAM,
  REVOCATIONS_BUCKET,
  parseRevocationSubject,
  revocationEntrySchema,
  type Logger,
  type RevocationKind,
} from '@profile-graph/core';

export interface RevocationListOptions {
  nc: NatsConnection;
  logger: Logger;
  /** How long without a word from NATS (a PING answered) before the list stops vouching for itself. */
  staleAfterMs: number;
  /** How long start() waits for identity to have created the bucket. */
  startupTimeoutMs: number;
  /** Called with each revoked API key id as it arrives (the key cache forgets it). */
  onApiKeyRevoked?: (keyId: string) => void;
  /** Called after every revocation is applied (open subscriptions check their credential again). */
  onRevoked?: () => void;
  /** Called with the subject of every entry that did not fit its schema. */
  onRefused?: (subject: string) => void;
}

const POLL_MS = 100;

/**
 * The gateway's copy of the revocations bucket (identity writes it, see
 * kit/auth/revocationProtocol.ts): loaded before the gateway serves, then
 * followed through an ordered consumer. Each entry is kept until its own
 * expiry, whatever happens to it on the server (a purge never un-revokes).
 *
 * Fails closed: `isCurrent()` is false until the load is complete, while
 * NATS is disconnected, after a reconnect until the bucket is read again,
 * and when the server has not answered a PING for `staleAfterMs` (a silent
 * partition). The gateway then refuses user tokens and API keys with
 * SERVICE_UNAVAILABLE instead of guessing.
 */
export class RevocationList {
  private readonly revoked = new Map<string, number>();
  private messages: ConsumerMessages | null = null;
  private synced = false;
  private connected = true;
  /**
   * When the oldest PING still unanswered was sent; null while none is. Staleness is counted from an
   * unanswered PING, not from the last answer: a busy event loop that runs late must not look like a
   * silent server (it did under a loaded test run), while a server that never answers still does.
   */
  private unansweredSince: number | null = null;
  private generation = 0;
  private stopped = false;
  private pingTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;

  private constructor(private readonly options: RevocationListOptions) {}

  /** Resolves once every entry of the bucket is loaded; rejects if the bucket does not appear in time. */
  static async start(options: RevocationListOptions): Promise<RevocationList> {
    const list = new RevocationList(options);
    await list.awaitBucket();
    await list.load();
    list.watchStatus();
    list.pingTimer = setInterval(() => list.ping(), Math.max(50, Math.floor(options.staleAfterMs / 3)));
    list.pingTimer.unref();
    list.sweepTimer = setInterval(() => list.sweep(), 60_000);
    list.sweepTimer.unref();
    return list;
  }

  private async awaitBucket(): Promise<void> {
    const jsm = await this.options.nc.jetstreamManager({ checkAPI: false });
    const deadline = Date.now() + this.options.startupTimeoutMs;
    for (;;) {
      try {
        await jsm.streams.info(REVOCATIONS_STREAM);
        return;
      } catch (error) {
        if (!String((error as Error).message).includes('stream not found')) throw error;
        if (Date.now() > deadline) throw new Error(`the ${REVOCATIONS_BUCKET} KV bucket does not exist: start identity, which creates it`);
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    }
  }

  /** Reads the whole bucket (last value per key) and follows it; resolves when what existed at the start is applied. */
  private async load(): Promise<void> {
    const generation = ++this.generation;
    this.synced = false;
    this.messages?.stop();
    const consumer = await this.options.nc.jetstream().consumers.get(REVOCATIONS_STREAM, {
      filterSubjects: [`$KV.${REVOCATIONS_BUCKET}.>`],
      deliver_policy: DeliverPolicy.LastPerSubject,
    });
    const messages = await consumer.consume({ max_messages: 1024 });
    this.messages = messages;
    let lastSeq = 0;
    let target: number | null = null;
    let caughtUp!: () => void;
    const done = new Promise<void>((resolve) => (caughtUp = resolve));
    const markSynced = () => {
      if (generation !== this.generation || this.synced) return;
      this.synced = true;
      this.unansweredSince = null;
      caughtUp();
    };
    void (async () => {
      for await (const message of messages) {
        this.apply(message.subject, message.data, message.headers?.get('KV-Operation'));
        lastSeq = message.info.streamSequence;
        if (message.info.pending === 0 || (target !== null && lastSeq >= target)) markSynced();
      }
    })().catch((error: unknown) => {
      if (!this.stopped) this.options.logger.error({ err: (error as Error).message }, 'revocations watch stopped');
    });
    // Nothing to deliver, or only what is already delivered: loaded. (Each message's `pending` covers the rest.)
    const info = await consumer.info();
    if (info.num_pending === 0) {
      target = info.delivered.stream_seq;
      if (lastSeq >= target) markSynced();
    }
    // A load that never completes (the connection lost midway) must not hang start or a reload: fail it, and retry.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the ${REVOCATIONS_BUCKET} bucket was not read within ${this.options.startupTimeoutMs} ms`)), this.options.startupTimeoutMs);
    });
    try {
      await Promise.race([done, timeout]);
    } catch (error) {
      if (generation === this.generation) messages.stop();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private apply(subject: string, data: Uint8Array, operation: string | undefined): void {
    const parsed = parseRevocationSubject(subject);
    if (!parsed) {
      this.options.onRefused?.(subject);
      return;
    }
    // Only identity writes the bucket and it never deletes: a delete or purge marker does not lift a revocation.
    if (operation === 'DEL' || operation === 'PURGE') return;
    let until: number;
    try {
      until = Date.parse(revocationEntrySchema.parse(JSON.parse(Buffer.from(data).toString('utf8'))).expiresAt);
    } catch {
      // Fail closed: a revocation whose value is unreadable still revokes, for the longest an entry may live.
      this.options.onRefused?.(subject);
      until = Date.now() + MAX_REVOCATION_TTL_MS;
    }
    const key = `${parsed.kind}.${parsed.id}`;
    this.revoked.set(key, Math.max(until, this.revoked.get(key) ?? 0));
    if (parsed.kind === 'apikey') this.options.onApiKeyRevoked?.(parsed.id);
    this.options.onRevoked?.();
  }

  private watchStatus(): void {
    void (async () => {
      for await (const status of this.options.nc.status()) {
        if (this.stopped) return;
        if (status.type === Events.Disconnect) {
          this.connected = false;
          this.synced = false;
          this.options.logger.warn('NATS disconnected: revocations cannot arrive, user tokens and API keys are refused until it is back');
        } else if (status.type === Events.Reconnect) {
          this.connected = true;
          void this.reload();
        }
      }
    })();
  }

  /** After a reconnect: read the bucket again (what was revoked meanwhile), then vouch again. */
  private async reload(): Promise<void> {
    while (!this.stopped && this.connected && !this.options.nc.isClosed()) {
      try {
        await this.load();
        this.options.logger.info({ entries: this.revoked.size }, 'revocations reloaded after reconnect');
        return;
      } catch (error) {
        this.options.logger.warn({ err: (error as Error).message }, 'revocations reload failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }

  private ping(): void {
    if (!this.connected || this.options.nc.isClosed()) return;
    const sentAt = Date.now();
    this.unansweredSince ??= sentAt;
    this.options.nc.flush().then(
      () => {
        const wasStale = this.unansweredSince !== null && Date.now() - this.unansweredSince > this.options.staleAfterMs;
        // A PING is answered after every earlier one (one connection, in order): nothing older is pending.
        if (this.unansweredSince !== null && this.unansweredSince <= sentAt) this.unansweredSince = null;
        // Back from a silence: what was revoked meanwhile may not have reached the consumer (its pulls may have expired),
        // so read the bucket again before vouching, as after a reconnect. (load() unsets `synced` before it yields.)
        if (wasStale && this.synced) {
          this.options.logger.warn('NATS answered again after a silence; reloading revocations');
          void this.reload();
        }
      },
      () => undefined,
    );
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, until] of this.revoked) if (until <= now) this.revoked.delete(key);
  }

  /** True while the list is known to hold every revocation identity has written (see the class comment). */
  isCurrent(): boolean {
    const silent = this.unansweredSince !== null && Date.now() - this.unansweredSince > this.options.staleAfterMs;
    return this.synced && this.connected && !this.options.nc.isClosed() && !silent;
  }

  isRevoked(kind: RevocationKind, id: string): boolean {
    const until = this.revoked.get(`${kind}.${id}`);
    return until !== undefined && until > Date.now();
  }

  /** Entries held (tests and logs). */
  size(): number {
    return this.revoked.size;
  }

  stop(): void {
    this.stopped = true;
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.messages?.stop();
    this.messages = null;
  }
}

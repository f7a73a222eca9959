import { createHash } from 'node:crypto';
import { DiscardPolicy, Events, RetentionPolicy, StorageType, headers as natsHeaders, nanos, type JetStreamClient, type JetStreamManager, type NatsConnection, type StreamConfig } from 'nats';

/** One shared token bucket: tokens left at `at` (ms since the epoch); refilled lazily by whoever reads it next. */
export interface SharedBucketState {
  tokens: number;
  at: number;
}

/** Where the shared buckets live; every write is checked against the revision it read (compare-and-set). */
export interface RateLimitStore {
  /** The bucket and its revision (0: no entry, which is a full bucket). */
  read(key: string): Promise<{ state: SharedBucketState | null; revision: number }>;
  /** Stores `state` if the entry is still at `revision` and returns the new revision; false when another writer came first. */
  write(key: string, state: SharedBucketState, revision: number, ttlSeconds: number): Promise<number | false>;
  /** False while the store cannot be reached: the limiter uses its local buckets at once instead of waiting. */
  isAvailable(): boolean;
}

export const RATE_LIMIT_BUCKET = 'ratelimits';
const STREAM = `KV_${RATE_LIMIT_BUCKET}`;
/** A KV round trip slower than this counts as unreachable: the request goes on with the local bucket. */
const KV_TIMEOUT_MS = 250;

/**
 * The shared buckets in a NATS KV bucket the gateway role owns
 * (scripts/lib/natsPermissions.js). Keys are hashed: the bucket holds no
 * user id or client address, only a digest, and each entry expires (per
 * message TTL) once its bucket would be full again, so absent means full.
 */
export class NatsRateLimitStore implements RateLimitStore {
  private connected = true;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
  ) {
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === Events.Disconnect) this.connected = false;
        else if (status.type === Events.Reconnect) this.connected = true;
      }
    })();
  }

  /** Creates the bucket if missing (the gateway owns it) and binds to it. */
  static async create(nc: NatsConnection, replicas = 1): Promise<NatsRateLimitStore> {
    const jsm = await nc.jetstreamManager({ checkAPI: false, timeout: KV_TIMEOUT_MS * 8 });
    const config = {
      name: STREAM,
      subjects: [`$KV.${RATE_LIMIT_BUCKET}.>`],
      storage: StorageType.Memory,
      retention: RetentionPolicy.Limits,
      max_msgs_per_subject: 1,
      discard: DiscardPolicy.New,
      // Entries are small and short-lived; a backstop in case one is written without its TTL.
      max_age: nanos(24 * 3_600_000),
      allow_msg_ttl: true,
      num_replicas: replicas,
    };
    try {
      await jsm.streams.add(config as Partial<StreamConfig>);
    } catch (error) {
      if (!/already in use/i.test(String((error as Error).message))) throw error;
    }
    return new NatsRateLimitStore(nc, nc.jetstream({ timeout: KV_TIMEOUT_MS }), await nc.jetstreamManager({ checkAPI: false, timeout: KV_TIMEOUT_MS }));
  }

  private subject(key: string): string {
    return `$KV.${RATE_LIMIT_BUCKET}.${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
  }

  async read(key: string): Promise<{ state: SharedBucketState | null; revision: number }> {
    try {
      const message = await this.jsm.streams.getMessage(STREAM, { last_by_subj: this.subject(key) });
      const state = JSON.parse(Buffer.from(message.data).toString('utf8')) as SharedBucketState;
      if (typeof state?.tokens !== 'number' || typeof state.at !== 'number' || !Number.isFinite(state.tokens) || !Number.isFinite(state.at)) {
        // Unreadable: treat as absent but overwrite only this revision.
        return { state: null, revision: message.seq };
      }
      return { state, revision: message.seq };
    } catch (error) {
      if (/no message found/i.test(String((error as Error).message))) return { state: null, revision: 0 };
      throw error;
    }
  }

  async write(key: string, state: SharedBucketState, revision: number, ttlSeconds: number): Promise<number | false> {
    const h = natsHeaders();
    h.set('Nats-TTL', `${Math.max(1, Math.ceil(ttlSeconds))}s`);
    try {
      const ack = await this.js.publish(this.subject(key), Buffer.from(JSON.stringify(state)), { headers: h, expect: { lastSubjectSequence: revision }, timeout: KV_TIMEOUT_MS });
      return ack.seq;
    } catch (error) {
      if (/wrong last sequence/i.test(String((error as Error).message))) return false;
      throw error;
    }
  }

  isAvailable(): boolean {
    return this.connected && !this.nc.isClosed();
  }
}

import { createHash } from 'node:crypto';
import { Events, type NatsConnection } from 'nats';
import {
  API_KEY_EVENTS_SUBJECT,
  API_KEY_RESOLVE_SUBJECT,
  API_KEY_USED_SUBJECT,
  AppError,
  apiKeyResolveReplySchema,
  connectNats,
  type ApiKeyResolveReply,
  type Logger,
  type Viewer,
} from '@profile-graph/core';
import { ApiKeyCache } from './apiKeyCache';
import { RevocationList } from './revocationList';

/** `pgk_live_` + 32 random bytes in base64url: anything else is refused without asking identity. */
const API_KEY_FORM = /^pgk_live_[A-Za-z0-9_-]{43}$/;
/** How long "no such key" is remembered: long enough to blunt a flood of guesses, short enough not to matter. */
const NEGATIVE_TTL_MS = 5_000;

export interface IdentityLinkOptions {
  natsUrl: string;
  /** The gateway role's nkey seed: it may ask for key lookups, read revocations and keep its rate-limit bucket, nothing else. */
  nkeySeed: string;
  tlsCaFile?: string;
  logger: Logger;
  cacheTtlMs: number;
  lookupTimeoutMs: number;
  usageFlushMs: number;
  /** How long without an answer from NATS before revocations are no longer vouched for (user tokens and keys refused). */
  revocationsStaleAfterMs: number;
  /** How long to wait at start for the revocations bucket (identity creates it). */
  revocationsStartupTimeoutMs: number;
  connectTimeoutMs?: number;
  /** Called with the subject of every message that did not fit its schema (counted, never acted on). */
  onRefused?: (subject: string) => void;
}

const unknownKey = () => new AppError('UNAUTHENTICATED', 'The API key is invalid, expired or revoked.');
const keysUnavailable = () => new AppError('SERVICE_UNAVAILABLE', 'API keys cannot be checked right now; retry shortly.');

/**
 * The gateway's only line to identity, over NATS: API key lookups
 * (request/reply, cached briefly), revoked sessions, keys and erased users
 * (the shared revocations bucket, loaded before serving and watched), key
 * rotations (events, the cache forgets the key), and batched key usage for
 * lastUsedAt. The gateway never reads identity's database.
 *
 * Fails closed: while the revocations cannot be vouched for (NATS down, or
 * silent, or the bucket not read again since a reconnect), the key cache is
 * dropped and user tokens and keys are refused (SERVICE_UNAVAILABLE) until
 * they can.
 */
export class IdentityLink {
  private readonly cache: ApiKeyCache;
  private revocations!: RevocationList;
  private usage = new Map<string, string>();
  private connected = false;
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly revocationListeners = new Set<() => void>();

  private constructor(
    readonly nc: NatsConnection,
    private readonly options: IdentityLinkOptions,
  ) {
    this.cache = new ApiKeyCache({ ttlMs: options.cacheTtlMs, negativeTtlMs: Math.min(NEGATIVE_TTL_MS, options.cacheTtlMs) });
  }

  static async connect(options: IdentityLinkOptions): Promise<IdentityLink> {
    let nc: NatsConnection;
    try {
      nc = await connectNats({
        url: options.natsUrl,
        role: 'gateway',
        nkeySeed: options.nkeySeed,
        ...(options.tlsCaFile ? { tlsCaFile: options.tlsCaFile } : {}),
        name: 'gateway',
        timeoutMs: options.connectTimeoutMs ?? 10_000,
      });
    } catch (cause) {
      throw new Error(`${(cause as Error).message}; API keys need it`, { cause });
    }
    const link = new IdentityLink(nc, options);
    try {
      link.revocations = await RevocationList.start({
        nc,
        logger: options.logger,
        staleAfterMs: options.revocationsStaleAfterMs,
        startupTimeoutMs: options.revocationsStartupTimeoutMs,
        onApiKeyRevoked: (keyId) => link.cache.forgetKey(keyId),
        onRevoked: () => link.revoked(),
        ...(options.onRefused ? { onRefused: options.onRefused } : {}),
      });
    } catch (cause) {
      await nc.close();
      throw new Error(`revocations could not be loaded (${(cause as Error).message}); user tokens and API keys need them`, { cause });
    }
    link.start();
    return link;
  }

  private start(): void {
    const { logger } = this.options;
    this.connected = true;
    this.nc.subscribe(API_KEY_EVENTS_SUBJECT, {
      callback: (error, message) => {
        if (error) return;
        const keyId = this.eventData(message.data)?.['keyId'];
        if (typeof keyId === 'string') this.cache.forgetKey(keyId);
        else this.refused(API_KEY_EVENTS_SUBJECT);
      },
    });
    void (async () => {
      for await (const status of this.nc.status()) {
        if (status.type === Events.Disconnect) {
          // Revocations may be missed from now on: nothing cached may be trusted.
          this.connected = false;
          this.cache.clear();
          logger.warn('NATS disconnected: API keys are refused until it is back');
        } else if (status.type === Events.Reconnect) {
          this.cache.clear();
          this.connected = true;
          logger.info('NATS reconnected: API keys accepted again');
        }
      }
    })();
    this.flushTimer = setInterval(() => this.flushUsage(), this.options.usageFlushMs);
    this.flushTimer.unref();
  }

  private eventData(bytes: Uint8Array): Record<string, unknown> | undefined {
    try {
      return (JSON.parse(Buffer.from(bytes).toString('utf8')) as { data?: Record<string, unknown> }).data;
    } catch {
      return undefined;
    }
  }

  /** Turns an `x-api-key` into a partner viewer, or fails with UNAUTHENTICATED (SERVICE_UNAVAILABLE when identity cannot be asked). */
  async verifyApiKey(secret: string): Promise<Viewer> {
    const key = secret.trim();
    if (!API_KEY_FORM.test(key)) throw unknownKey();
    if (!this.connected || this.nc.isClosed() || !this.revocations.isCurrent()) {
      this.cache.clear();
      throw keysUnavailable();
    }
    const hash = createHash('sha256').update(key).digest('hex');
    let cached = this.cache.get(hash);
    if (cached === undefined) {
      cached = await this.lookup(hash);
      this.cache.set(hash, cached);
    }
    if (!cached || (cached.expiresAt !== null && cached.expiresAt <= Date.now()) || this.revocations.isRevoked('apikey', cached.viewer.keyId!)) throw unknownKey();
    this.usage.set(cached.viewer.keyId!, new Date().toISOString());
    return cached.viewer;
  }

  /** Counts and logs a message that did not fit its schema, by subject only: its payload may be anything, secrets included. */
  private refused(subject: string): void {
    this.options.onRefused?.(subject);
    this.options.logger.error({ subject }, 'refused a NATS message that does not fit its schema');
  }

  private async lookup(hash: string) {
    let body: unknown;
    try {
      const message = await this.nc.request(API_KEY_RESOLVE_SUBJECT, Buffer.from(JSON.stringify({ hash })), { timeout: this.options.lookupTimeoutMs });
      body = JSON.parse(Buffer.from(message.data).toString('utf8'));
    } catch (cause) {
      if (cause instanceof SyntaxError) this.refused(API_KEY_RESOLVE_SUBJECT);
      else this.options.logger.warn({ err: (cause as Error).message }, 'API key lookup failed');
      throw new AppError('SERVICE_UNAVAILABLE', 'API keys cannot be checked right now; retry shortly.', {}, cause);
    }
    const parsed = apiKeyResolveReplySchema.safeParse(body);
    if (!parsed.success) {
      // Not cached: the next request asks again.
      this.refused(API_KEY_RESOLVE_SUBJECT);
      throw new AppError('SERVICE_UNAVAILABLE', 'API keys cannot be checked right now; retry shortly.');
    }
    const reply: ApiKeyResolveReply = parsed.data;
    if (!reply.found) return null;
    return {
      viewer: { kind: 'partner' as const, orgId: reply.orgId, keyId: reply.keyId, scopes: [...reply.scopes] },
      expiresAt: reply.expiresAt ? Date.parse(reply.expiresAt) : null,
    };
  }

  /** For the revocation gauges. */
  revocationsState(): { current: boolean; entries: number } {
    return { current: this.revocations.isCurrent(), entries: this.revocations.size() };
  }

  /**
   * Calls `listener` after each revocation (session, API key, erased user) has been applied,
   * so long-lived connections (subscriptions) check their credential again at once.
   */
  onRevocation(listener: () => void): () => void {
    this.revocationListeners.add(listener);
    return () => this.revocationListeners.delete(listener);
  }

  private revoked(): void {
    for (const listener of this.revocationListeners) listener();
  }

  /**
   * Refuses an access token whose session was revoked or whose user was
   * erased (UNAUTHENTICATED), and every token while revocations cannot be
   * vouched for (SERVICE_UNAVAILABLE: the client retries, nothing is guessed).
   */
  checkSession(claims: { sessionId: string; userId: string }): void {
    if (!this.revocations.isCurrent()) throw new AppError('SERVICE_UNAVAILABLE', 'Sign-ins cannot be checked right now; retry shortly.');
    if (this.revocations.isRevoked('session', claims.sessionId) || this.revocations.isRevoked('user', claims.userId)) {
      throw new AppError('UNAUTHENTICATED', 'This session was signed out; sign in again.');
    }
  }

  /** One message per interval with the latest use of every key seen; lost on a crash, which only makes lastUsedAt a little older. */
  flushUsage(): void {
    if (this.usage.size === 0 || !this.connected) return;
    const uses = Object.fromEntries(this.usage);
    this.usage = new Map();
    this.nc.publish(API_KEY_USED_SUBJECT, Buffer.from(JSON.stringify({ uses })));
  }

  async close(): Promise<void> {
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.revocations.stop();
    this.flushUsage();
    if (!this.nc.isClosed()) await this.nc.drain().catch(() => this.nc.close());
  }
}

import { Events, type NatsConnection, type Subscription } from 'nats';
import {
  AppError,
  TRUSTED_DOCUMENTS_CHANGED_SUBJECT,
  TRUSTED_DOCUMENTS_GET_SUBJECT,
  trustedDocumentsChangedSchema,
  trustedDocumentsReplySchema,
  type Logger,
  type TrustedOperation,
} from '@profile-graph/core';

/** What one organization's partner keys may run, indexed for the two ways a client names an operation. */
export interface TrustedDocumentSet {
  enforced: boolean;
  version: number;
  byId: ReadonlyMap<string, TrustedOperation>;
  byTextHash: ReadonlyMap<string, TrustedOperation>;
}

const NONE: TrustedDocumentSet = { enforced: false, version: 0, byId: new Map(), byTextHash: new Map() };

export interface TrustedDocumentRegistryOptions {
  nc: NatsConnection;
  logger: Logger;
  lookupTimeoutMs: number;
  /** Backstop for a missed change event; changes normally arrive over NATS within milliseconds. */
  ttlMs: number;
  onRefused?: (subject: string) => void;
}

const unavailable = (cause?: unknown) =>
  new AppError('SERVICE_UNAVAILABLE', "The organization's trusted documents cannot be checked right now; retry shortly.", {}, cause);

/**
 * The gateway's cache of organizations' trusted documents, asked of identity
 * over NATS and dropped when identity announces a change. Fails closed: while
 * NATS is down nothing cached is trusted (a change could be missed) and
 * partner requests get 503, as API keys do.
 */
export class TrustedDocumentRegistry {
  private readonly cache = new Map<string, { set: TrustedDocumentSet; until: number }>();
  /** Bumped by every change event, so a lookup that was in flight when the change arrived is not cached. */
  private readonly generations = new Map<string, number>();
  private readonly inflight = new Map<string, Promise<TrustedDocumentSet>>();
  private subscription: Subscription | undefined;
  private connected = true;

  constructor(private readonly options: TrustedDocumentRegistryOptions) {}

  start(): this {
    const { nc } = this.options;
    this.subscription = nc.subscribe(TRUSTED_DOCUMENTS_CHANGED_SUBJECT, {
      callback: (error, message) => {
        if (error) return;
        let data: unknown;
        try {
          data = (JSON.parse(Buffer.from(message.data).toString('utf8')) as { data?: unknown }).data;
        } catch {
          data = undefined;
        }
        const parsed = trustedDocumentsChangedSchema.safeParse(data);
        if (!parsed.success) return this.refused(TRUSTED_DOCUMENTS_CHANGED_SUBJECT);
        this.forget(parsed.data.organizationId);
      },
    });
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === Events.Disconnect) {
          this.connected = false;
          this.clear();
        } else if (status.type === Events.Reconnect) {
          // Changes may have been missed while away.
          this.clear();
          this.connected = true;
        }
      }
    })();
    return this;
  }

  /** The organization's documents; an organization identity does not know (or no longer verifies) has none, unenforced. */
  async forOrganization(organizationId: string): Promise<TrustedDocumentSet> {
    if (!this.connected || this.options.nc.isClosed()) throw unavailable();
    const cached = this.cache.get(organizationId);
    if (cached && cached.until > Date.now()) return cached.set;
    let pending = this.inflight.get(organizationId);
    if (!pending) {
      const generation = this.generations.get(organizationId) ?? 0;
      pending = this.lookup(organizationId).then(
        (set) => {
          this.inflight.delete(organizationId);
          if ((this.generations.get(organizationId) ?? 0) === generation && this.connected) this.cache.set(organizationId, { set, until: Date.now() + this.options.ttlMs });
          return set;
        },
        (error: unknown) => {
          this.inflight.delete(organizationId);
          throw error;
        },
      );
      this.inflight.set(organizationId, pending);
    }
    return pending;
  }

  private forget(organizationId: string): void {
    this.cache.delete(organizationId);
    this.inflight.delete(organizationId);
    this.generations.set(organizationId, (this.generations.get(organizationId) ?? 0) + 1);
  }

  private clear(): void {
    for (const organizationId of [...this.cache.keys(), ...this.inflight.keys()]) this.forget(organizationId);
  }

  private async lookup(organizationId: string): Promise<TrustedDocumentSet> {
    let body: unknown;
    try {
      const message = await this.options.nc.request(TRUSTED_DOCUMENTS_GET_SUBJECT, Buffer.from(JSON.stringify({ organizationId })), { timeout: this.options.lookupTimeoutMs });
      body = JSON.parse(Buffer.from(message.data).toString('utf8'));
    } catch (cause) {
      if (cause instanceof SyntaxError) this.refused(TRUSTED_DOCUMENTS_GET_SUBJECT);
      else this.options.logger.warn({ err: (cause as Error).message }, 'trusted documents lookup failed');
      throw unavailable(cause);
    }
    const parsed = trustedDocumentsReplySchema.safeParse(body);
    if (!parsed.success) {
      this.refused(TRUSTED_DOCUMENTS_GET_SUBJECT);
      throw unavailable();
    }
    const reply = parsed.data;
    if (!reply.found) return NONE;
    return {
      enforced: reply.enforced,
      version: reply.version,
      byId: new Map(reply.operations.map((operation) => [operation.id, operation])),
      byTextHash: new Map(reply.operations.map((operation) => [operation.textHash, operation])),
    };
  }

  /** Counted and logged by subject only: the payload may be anything. */
  private refused(subject: string): void {
    this.options.onRefused?.(subject);
    this.options.logger.error({ subject }, 'refused a NATS message that does not fit its schema');
  }

  stop(): void {
    this.subscription?.unsubscribe();
    this.clear();
  }
}

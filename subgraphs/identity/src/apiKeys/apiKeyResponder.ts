import type { NatsConnection, Subscription } from 'nats';
import {
  API_KEY_RESOLVE_SUBJECT,
  API_KEY_USED_SUBJECT,
  type ApiKeyResolveReply,
  type ApiKeyResolveRequest,
  type ApiKeyUsedBatch,
} from '@profile-graph/kit';
import type { Logger } from 'pino';
import type { OrganizationModel } from '../organizations/organizationModel';
import type { ApiKeyModel } from './apiKeyModel';

const HASH = /^[0-9a-f]{64}$/;
const KEY_ID = /^[0-9a-f-]{36}$/;
/** Never let a batch of usage notes turn into an unbounded write. */
const MAX_USES_PER_BATCH = 1_000;

/**
 * Answers the gateway's key lookups over NATS request/reply, so the gateway
 * never reads identity's database, and folds the gateways' batched usage
 * notes into `lastUsedAt` (one bulk write per batch, not one per request).
 */
export class ApiKeyResponder {
  private readonly subscriptions: Subscription[] = [];

  constructor(private readonly deps: { nc: NatsConnection; apiKeys: ApiKeyModel; organizations: OrganizationModel; logger: Logger }) {}

  start(): void {
    const { nc, logger } = this.deps;
    // A queue group: with several identity replicas, each lookup is answered once.
    this.subscriptions.push(
      nc.subscribe(API_KEY_RESOLVE_SUBJECT, {
        queue: 'identity',
        callback: (error, message) => {
          if (error) return logger.warn({ err: error }, 'API key lookup subscription failed');
          this.resolve(message.data).then(
            (reply) => message.respond(Buffer.from(JSON.stringify(reply))),
            (failure: unknown) => logger.error({ err: failure }, 'API key lookup failed; the gateway will refuse the key'),
          );
        },
      }),
      nc.subscribe(API_KEY_USED_SUBJECT, {
        queue: 'identity',
        callback: (error, message) => {
          if (error) return;
          this.recordUse(message.data).catch((failure: unknown) => logger.warn({ err: failure }, 'recording API key use failed'));
        },
      }),
    );
  }

  async resolve(data: Uint8Array): Promise<ApiKeyResolveReply> {
    let request: ApiKeyResolveRequest;
    try {
      request = JSON.parse(Buffer.from(data).toString('utf8')) as ApiKeyResolveRequest;
    } catch {
      return { found: false };
    }
    if (typeof request?.hash !== 'string' || !HASH.test(request.hash)) return { found: false };
    const key = await this.deps.apiKeys.findOne({ secretHash: request.hash }).lean().exec();
    if (!key || key.revokedAt || (key.expiresAt && key.expiresAt.getTime() <= Date.now())) return { found: false };
    const organization = await this.deps.organizations.findById(key.organizationId).select({ verified: 1 }).lean().exec();
    if (!organization?.verified) return { found: false };
    return { found: true, keyId: key._id, orgId: key.organizationId, scopes: [...key.scopes], expiresAt: key.expiresAt?.toISOString() ?? null };
  }

  async recordUse(data: Uint8Array): Promise<void> {
    const batch = JSON.parse(Buffer.from(data).toString('utf8')) as ApiKeyUsedBatch;
    const operations = Object.entries(batch?.uses ?? {})
      .slice(0, MAX_USES_PER_BATCH)
      .flatMap(([keyId, at]) => {
        const when = new Date(at);
        if (!KEY_ID.test(keyId) || Number.isNaN(when.getTime()) || when.getTime() > Date.now() + 60_000) return [];
        // $max: batches from several gateways may arrive out of order; lastUsedAt only moves forward.
        return [{ updateOne: { filter: { _id: keyId }, update: { $max: { lastUsedAt: when } } } }];
      });
    // No updatedAt: being used is not an edit of the key.
    if (operations.length) await this.deps.apiKeys.bulkWrite(operations, { ordered: false, timestamps: false });
  }

  stop(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
  }
}

import type { NatsConnection, Subscription } from 'nats';
import { TRUSTED_DOCUMENTS_GET_SUBJECT, type TrustedDocumentsReply } from '@profile-graph/kit';
import type { Logger } from 'pino';
import type { OrganizationModel } from '../organizations/organizationModel';
import { manifestId, type TrustedDocumentManifestModel } from './trustedDocumentManifestModel';

const ORGANIZATION_ID = /^[0-9a-f-]{36}$/;

/**
 * Answers the gateway's "which documents may this organization's keys run"
 * over NATS request/reply: whether enforcement is on, and the current
 * manifest. Unverified organizations hold no keys, so they are not found.
 */
export class TrustedDocumentResponder {
  private subscription: Subscription | undefined;

  constructor(private readonly deps: { nc: NatsConnection; organizations: OrganizationModel; manifests: TrustedDocumentManifestModel; logger: Logger }) {}

  start(): void {
    const { nc, logger } = this.deps;
    this.subscription = nc.subscribe(TRUSTED_DOCUMENTS_GET_SUBJECT, {
      // With several identity replicas, each lookup is answered once.
      queue: 'identity',
      callback: (error, message) => {
        if (error) return logger.warn({ err: error }, 'trusted documents subscription failed');
        this.resolve(message.data).then(
          (reply) => message.respond(Buffer.from(JSON.stringify(reply))),
          (failure: unknown) => logger.error({ err: failure }, 'trusted documents lookup failed; the gateway will refuse the key'),
        );
      },
    });
  }

  async resolve(data: Uint8Array): Promise<TrustedDocumentsReply> {
    let organizationId: unknown;
    try {
      organizationId = (JSON.parse(Buffer.from(data).toString('utf8')) as { organizationId?: unknown })?.organizationId;
    } catch {
      return { found: false };
    }
    if (typeof organizationId !== 'string' || !ORGANIZATION_ID.test(organizationId)) return { found: false };
    const organization = await this.deps.organizations.findById(organizationId).select({ verified: 1, trustedDocuments: 1 }).lean().exec();
    if (!organization?.verified) return { found: false };
    const { version = 0, enforced = false } = organization.trustedDocuments ?? {};
    const manifest = version > 0 ? await this.deps.manifests.findById(manifestId(organizationId, version)).lean().exec() : null;
    return {
      found: true,
      organizationId,
      enforced,
      version,
      operations: (manifest?.operations ?? []).map(({ id, name, textHash, body }) => ({ id, name, textHash, body })),
    };
  }

  stop(): void {
    this.subscription?.unsubscribe();
  }
}

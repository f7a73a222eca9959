import { defineConsumer, identityEvents, type ConsumeOptions } from '@profile-graph/kit';
import type { ApiKeyModel } from '../apiKeys/apiKeyModel';
import type { RevocationWriter } from './revocationWriter';

/**
 * Copies every session and API key revocation from identity's own stream
 * into the revocations bucket. The revocation is one write with its event
 * (the outbox), so it reaches the stream even if identity crashes; from the
 * stream this durable consumer, shared by every identity instance, puts it
 * into KV at least once (a repeated put changes nothing a gateway sees).
 * A failed put is retried by redelivery.
 */
export function recordRevocations(deps: { writer: RevocationWriter; apiKeys: ApiKeyModel }): ConsumeOptions {
  return defineConsumer({
    stream: 'IDENTITY',
    durable: 'identity-revocations',
    events: [identityEvents.sessionRevoked, identityEvents.apiKeyRevoked],
    handler: async (event) => {
      if (event.type === 'identity.v1.session.revoked') {
        const { sessionId } = event.data;
        const revokedAt = new Date(event.occurredAt);
        if (Number.isNaN(revokedAt.getTime())) return;
        await deps.writer.session(sessionId, revokedAt);
      } else {
        const { keyId } = event.data;
        const key = await deps.apiKeys.findById(keyId).select({ expiresAt: 1 }).lean().exec();
        await deps.writer.apiKey(keyId, key?.expiresAt ?? null);
      }
    },
  });
}

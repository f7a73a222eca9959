import { z } from 'zod';

/**
 * How the gateway learns what an API key may do without reading identity's
 * database: a NATS request/reply to identity, and identity's key events.
 *
 * The request subjects sit outside `identity.v1.>` on purpose: that prefix
 * is captured by the IDENTITY JetStream stream, which would store every
 * lookup and answer it with a publish acknowledgement instead of identity's
 * reply.
 */
export const API_KEY_RESOLVE_SUBJECT = 'rpc.identity.v1.apikey.resolve';
/** Batched "these keys were used at" notes from gateways; identity folds them into lastUsedAt. Core NATS, fire and forget. */
export const API_KEY_USED_SUBJECT = 'rpc.identity.v1.apikey.used';
/** identity.v1.apikey.revoked and identity.v1.apikey.rotated: the gateway drops the key from its cache. */
export const API_KEY_EVENTS_SUBJECT = 'identity.v1.apikey.*';
/** The gateway refuses access tokens of a revoked session from then on. */
export const SESSION_REVOKED_SUBJECT = 'identity.v1.session.revoked';

/** The gateway sends the SHA-256 (hex) of the key, never the key. */
export interface ApiKeyResolveRequest {
  hash: string;
}

/**
 * What identity answers. The gateway parses every reply with this schema and
 * refuses the key (503, never a partner with whatever a reply claims) when a
 * reply does not fit: even an authorized answerer is not trusted blindly.
 */
export const apiKeyResolveReplySchema = z.discriminatedUnion('found', [
  z.object({ found: z.literal(false) }),
  z.object({
    found: z.literal(true),
    keyId: z.string().min(1).max(64),
    orgId: z.string().min(1).max(64),
    scopes: z.array(z.string().regex(/^[a-z]+:[a-z_]+$/)).max(16),
    expiresAt: z.iso.datetime().nullable(),
  }),
]);

export type ApiKeyResolveReply = z.infer<typeof apiKeyResolveReplySchema>;

export interface ApiKeyUsedBatch {
  /** keyId -> ISO time of the latest use the gateway saw. */
  uses: Record<string, string>;
}

import { z } from 'zod';

/**
 * How the gateway learns an organization's trusted documents (the operations
 * its partner keys may run) without reading identity's database: a NATS
 * request/reply to identity, and identity's change event. Like the API key
 * lookup, the request subject sits outside `identity.v1.>` so the IDENTITY
 * stream does not capture it.
 */
export const TRUSTED_DOCUMENTS_GET_SUBJECT = 'rpc.identity.v1.trusteddocuments.get';
/** Published (through identity's outbox) on every upload and enforcement switch; the gateway drops its cached copy. */
export const TRUSTED_DOCUMENTS_CHANGED_SUBJECT = 'identity.v1.organization.trusted_documents_changed';

/** Limits identity applies on upload; the reply must fit one NATS message (1 MB by default). */
export const TRUSTED_DOCUMENT_LIMITS = { maxOperations: 1_000, maxDocumentChars: 20_000, maxTotalChars: 500_000 } as const;

export interface TrustedDocumentsRequest {
  organizationId: string;
}

export const trustedOperationSchema = z.object({
  /** The id clients send: `extensions.persistedQuery.sha256Hash` or `documentId`. */
  id: z.string().min(1).max(128),
  /** The operation's name, the label of its usage metric. */
  name: z.string().min(1).max(128),
  /** SHA-256 (hex) of the exact text, for clients that send the text itself. */
  textHash: z.string().regex(/^[0-9a-f]{64}$/),
  body: z.string().min(1).max(TRUSTED_DOCUMENT_LIMITS.maxDocumentChars),
});

/**
 * identity's answer, parsed by the gateway with this schema; a reply that
 * does not fit makes the key's request fail closed (503), never run unchecked.
 */
export const trustedDocumentsReplySchema = z.discriminatedUnion('found', [
  z.object({ found: z.literal(false) }),
  z.object({
    found: z.literal(true),
    organizationId: z.string().min(1).max(64),
    enforced: z.boolean(),
    /** 0 before the first upload. */
    version: z.number().int().min(0),
    operations: z.array(trustedOperationSchema).max(TRUSTED_DOCUMENT_LIMITS.maxOperations),
  }),
]);

export type TrustedDocumentsReply = z.infer<typeof trustedDocumentsReplySchema>;
export type TrustedOperation = z.infer<typeof trustedOperationSchema>;

export const trustedDocumentsChangedSchema = z.object({
  organizationId: z.string().min(1).max(64),
  version: z.number().int().min(0),
  enforced: z.boolean(),
});

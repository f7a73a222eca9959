import { DiscardPolicy, RetentionPolicy, StorageType, headers as natsHeaders, nanos, type JetStreamClient, type JetStreamManager, type StreamConfig } from 'nats';
import { z } from 'zod';

/**
 * Revoked credentials, shared by every gateway replica and kept across their
 * restarts: a NATS KV bucket (a JetStream stream under the KV conventions)
 * that identity alone writes and gateways only read and watch
 * (scripts/lib/natsPermissions.js). One entry per revoked session, API key,
 * or erased user; each carries a per-message TTL (`Nats-TTL`, nats-server
 * 2.11) equal to the longest the credential could still be presented, so
 * the bucket holds only what still matters and never needs cleaning.
 */
export const REVOCATIONS_BUCKET = 'revocations';
export const REVOCATIONS_STREAM = `KV_${REVOCATIONS_BUCKET}`;

export type RevocationKind = 'session' | 'apikey' | 'user';
export const REVOCATION_KINDS: readonly RevocationKind[] = ['session', 'apikey', 'user'];

/** Ids become one KV key token: only what KV keys allow, bounded. Every id identity mints (UUIDs) fits. */
const ID_FORM = /^[A-Za-z0-9_-]{1,64}$/;

/** A revocation entry never lives longer than this (an API key without expiry: its cache entries must be gone by then). */
export const MAX_REVOCATION_TTL_MS = 24 * 3_600_000;
/** Backstop on the stream itself, above every entry's own TTL. */
const BUCKET_MAX_AGE_MS = 2 * MAX_REVOCATION_TTL_MS;

export const revocationSubject = (kind: RevocationKind, id: string) => `$KV.${REVOCATIONS_BUCKET}.${kind}.${id}`;

export const revocationEntrySchema = z.object({
  revokedAt: z.iso.datetime(),
  /** After this the credential is refused anyway (expired); the entry's TTL ends here too. */
  expiresAt: z.iso.datetime(),
});
export type RevocationEntry = z.infer<typeof revocationEntrySchema>;

/** `$KV.revocations.<kind>.<id>` back to its parts, or undefined for anything else. */
export function parseRevocationSubject(subject: string): { kind: RevocationKind; id: string } | undefined {
  const parts = subject.split('.');
  if (parts.length !== 4 || parts[0] !== '$KV' || parts[1] !== REVOCATIONS_BUCKET) return undefined;
  const kind = parts[2] as RevocationKind;
  if (!REVOCATION_KINDS.includes(kind) || !ID_FORM.test(parts[3]!)) return undefined;
  return { kind, id: parts[3]! };
}

export function revocationBucketConfig(replicas = 1): Partial<StreamConfig> & { allow_msg_ttl: boolean } {
  return {
    name: REVOCATIONS_STREAM,
    subjects: [`$KV.${REVOCATIONS_BUCKET}.>`],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    // KV conventions: one value per key, rollups allowed, deletes only through the API (which nobody but admin may call).
    max_msgs_per_subject: 1,
    discard: DiscardPolicy.New,
    allow_rollup_hdrs: true,
    deny_delete: true,
    allow_direct: true,
    max_age: nanos(BUCKET_MAX_AGE_MS),
    // Per-message TTL (nats-server >= 2.11): each entry expires with its credential.
    allow_msg_ttl: true,
    num_replicas: replicas,
  };
}

/** Creates the bucket if it is missing (identity at start, the admin role in tests); an existing one is left as it is. */
export async function ensureRevocationBucket(jsm: JetStreamManager, replicas = 1): Promise<void> {
  try {
    await jsm.streams.add(revocationBucketConfig(replicas) as Partial<StreamConfig>);
  } catch (error) {
    if (!/already in use/i.test(String((error as Error).message))) throw error;
  }
}

/**
 * Writes one revocation, acknowledged by the stream (so it is stored before
 * this resolves). Returns false, writing nothing, when the credential has
 * already expired: an expired credential is refused without an entry.
 */
export async function putRevocation(js: JetStreamClient, kind: RevocationKind, id: string, expiresAt: Date, now = new Date()): Promise<boolean> {
  if (!ID_FORM.test(id)) throw new Error(`a ${kind} id must be 1 to 64 of A-Z a-z 0-9 _ -`);
  const ttlMs = Math.min(MAX_REVOCATION_TTL_MS, expiresAt.getTime() - now.getTime());
  if (ttlMs <= 0) return false;
  const entry: RevocationEntry = { revokedAt: now.toISOString(), expiresAt: new Date(now.getTime() + ttlMs).toISOString() };
  const h = natsHeaders();
  // Whole seconds, rounded up (the server's smallest TTL is 1 s): an entry may outlive its credential by under a second, never the reverse.
  h.set('Nats-TTL', `${Math.max(1, Math.ceil(ttlMs / 1000))}s`);
  await js.publish(revocationSubject(kind, id), Buffer.from(JSON.stringify(entry)), { headers: h });
  return true;
}

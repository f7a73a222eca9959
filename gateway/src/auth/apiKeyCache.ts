import type { Viewer } from '@profile-graph/core';

/** A key as identity described it; `null` when identity said no such (active) key. */
export type CachedKey = { viewer: Viewer; expiresAt: number | null } | null;

interface Entry {
  value: CachedKey;
  /** When this entry must be asked about again. */
  staleAt: number;
}

/** Entries kept at most; the oldest go first, so a flood of random keys cannot exhaust memory. */
const MAX_ENTRIES = 50_000;

/**
 * The gateway's short memory of API keys, keyed by the key's SHA-256, so the
 * secret itself is never kept. Identity's revocation events remove entries
 * by key id within milliseconds; the TTL only bounds how long a missed
 * event (say, during a reconnect, which also clears everything) could matter.
 */
export class ApiKeyCache {
  private readonly byHash = new Map<string, Entry>();
  private readonly hashesByKeyId = new Map<string, Set<string>>();

  constructor(private readonly options: { ttlMs: number; negativeTtlMs: number; now?: () => number }) {}

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** undefined: not cached (ask identity). */
  get(hash: string): CachedKey | undefined {
    const entry = this.byHash.get(hash);
    if (!entry) return undefined;
    const now = this.now();
    if (entry.staleAt <= now || (entry.value?.expiresAt != null && entry.value.expiresAt <= now)) {
      this.delete(hash);
      return undefined;
    }
    return entry.value;
  }

  set(hash: string, value: CachedKey): void {
    this.delete(hash);
    this.byHash.set(hash, { value, staleAt: this.now() + (value ? this.options.ttlMs : this.options.negativeTtlMs) });
    const keyId = value?.viewer.keyId;
    if (keyId) {
      let hashes = this.hashesByKeyId.get(keyId);
      if (!hashes) this.hashesByKeyId.set(keyId, (hashes = new Set()));
      hashes.add(hash);
    }
    if (this.byHash.size > MAX_ENTRIES) this.delete(this.byHash.keys().next().value!);
  }

  /** A key was revoked or rotated: forget every secret of it. */
  forgetKey(keyId: string): void {
    for (const hash of this.hashesByKeyId.get(keyId) ?? []) this.byHash.delete(hash);
    this.hashesByKeyId.delete(keyId);
  }

  clear(): void {
    this.byHash.clear();
    this.hashesByKeyId.clear();
  }

  private delete(hash: string): void {
    const keyId = this.byHash.get(hash)?.value?.viewer.keyId;
    this.byHash.delete(hash);
    if (keyId) this.hashesByKeyId.get(keyId)?.delete(hash);
  }
}

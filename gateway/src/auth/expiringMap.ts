/** A kept value and until when it may be used (the owner may shorten `until` later, e.g. once a token's expiry is known). */
export interface Expiring<V> {
  value: V;
  until: number;
}

/**
 * The store behind the gateway's token caches: entries that stop being
 * usable at `until`, at most `maxEntries` of them. Expired entries at the old
 * end are dropped as new ones come in, so the map holds about what is in use
 * now, not the last `maxEntries` viewers ever seen (a soak with a sign-in a
 * second kept thousands of dead sessions' tokens until the cap).
 */
export class ExpiringMap<V> {
  private readonly entries = new Map<string, Expiring<V>>();

  constructor(private readonly maxEntries: number) {}

  /** The entry, while it is usable at `now`; an expired one is dropped. */
  get(key: string, now: number): Expiring<V> | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until > now) return entry;
    this.entries.delete(key);
    return undefined;
  }

  set(key: string, value: V, until: number, now: number): Expiring<V> {
    const entry: Expiring<V> = { value, until };
    // Re-inserted at the end, so the map's order stays (roughly) the order entries expire in.
    this.entries.delete(key);
    this.entries.set(key, entry);
    for (const [oldest, kept] of this.entries) {
      if (this.entries.size <= this.maxEntries && kept.until > now) break;
      this.entries.delete(oldest);
    }
    return entry;
  }

  /** Drops the entry if it is still this one (a failure found out later must not drop a newer entry). */
  deleteIf(key: string, entry: Expiring<V>): void {
    if (this.entries.get(key) === entry) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}

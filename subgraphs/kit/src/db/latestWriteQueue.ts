/**
 * Write-behind for state where only the latest value of each key matters
 * (a projection's local copy). Values are written one at a time; a value set
 * while an earlier one of its key still waits replaces it. So the backlog is
 * bounded by the number of keys, not by the number of updates: when the
 * database is slower than the event rate, the queue skips the intermediate
 * states instead of holding every one of them in memory, minutes behind.
 *
 * `write` handles its own errors (a failed write is not retried here; the
 * next value of its key, or a replay, writes it again).
 */
export class LatestWriteQueue<V> {
  private readonly pending = new Map<string, V>();
  private draining: Promise<void> | undefined;

  constructor(
    private readonly write: (value: V) => Promise<void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Queues `value` as the one to write for `key`, replacing one that has not started yet. */
  set(key: string, value: V): void {
    // Re-inserted at the end: a key updated again waits its turn rather than starving the others.
    this.pending.delete(key);
    this.pending.set(key, value);
    this.draining ??= this.drain();
  }

  /** Values waiting to be written (at most one per key). */
  get size(): number {
    return this.pending.size;
  }

  /** Resolves once every value set so far has been written (or superseded by a later one that has). */
  async settled(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    try {
      for (let next = this.pending.entries().next(); !next.done; next = this.pending.entries().next()) {
        const [key, value] = next.value;
        this.pending.delete(key);
        try {
          await this.write(value);
        } catch (error) {
          this.onError(error);
        }
      }
    } finally {
      // No await between the loop's last check and here, so a set() cannot slip in and find no drain running.
      this.draining = undefined;
    }
  }
}

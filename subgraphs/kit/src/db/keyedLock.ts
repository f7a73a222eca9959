const settle = (): undefined => undefined;

/**
 * Runs tasks one at a time per key, and "exclusive" tasks one at a time
 * against everything: an exclusive task waits for all keyed tasks before it,
 * and keyed tasks wait for the exclusive task before them.
 */
export class KeyedLock {
  private exclusiveTail: Promise<unknown> = Promise.resolve();
  private readonly keyed = new Map<string, Promise<unknown>>();

  runKeyed<T>(key: string, run: () => PromiseLike<T>): Promise<T> {
    const before = Promise.all([this.exclusiveTail, this.keyed.get(key)]);
    const result = before.then(run, run);
    const done = result.then(settle, settle);
    this.keyed.set(key, done);
    // Forget the key once its last task is done, so the map does not grow with every document ever written.
    void done.then(() => {
      if (this.keyed.get(key) === done) this.keyed.delete(key);
    });
    return result;
  }

  runExclusive<T>(run: () => PromiseLike<T>): Promise<T> {
    const before = Promise.all([this.exclusiveTail, ...this.keyed.values()]);
    const result = before.then(run, run);
    this.exclusiveTail = result.then(settle, settle);
    return result;
  }
}

import { toResponse, type BufferedAnswer } from './bufferedUpstreamCall';
import { whenAborted } from './whenAborted';

interface Entry {
  key: string;
  result: Promise<BufferedAnswer>;
  /** Aborts the shared call; used only once every caller has gone. */
  controller: AbortController;
  callers: number;
}

/**
 * Calls in flight by key. The first caller starts the call; callers with the
 * same key while it is in flight wait for it; each gets its own Response over
 * the one body read (bufferedUpstreamCall), and a failure reaches every one of them. The
 * entry goes when the call settles, so a later caller makes a new call.
 *
 * Each caller's abort signal (its client's upstream timeout) ends only its own
 * wait: one client giving up must not fail the others. The shared call is
 * aborted when the last caller has gone.
 */
export class InflightRequests {
  private readonly entries = new Map<string, Entry>();

  /** Calls in flight now (for tests and diagnostics). */
  get size(): number {
    return this.entries.size;
  }

  run(key: string, signal: AbortSignal | undefined, call: (signal: AbortSignal) => Promise<BufferedAnswer>): Promise<Response> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    let entry = this.entries.get(key);
    if (!entry) entry = this.start(key, call);
    return this.join(entry, signal);
  }

  private start(key: string, call: (signal: AbortSignal) => Promise<BufferedAnswer>): Entry {
    const controller = new AbortController();
    const entry: Entry = { key, controller, callers: 0, result: undefined as never };
    entry.result = call(controller.signal).finally(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    // Every caller handles the outcome; this only keeps a call whose callers all left from being an unhandled rejection.
    entry.result.catch(() => undefined);
    this.entries.set(key, entry);
    return entry;
  }

  private join(entry: Entry, signal: AbortSignal | undefined): Promise<Response> {
    entry.callers += 1;
    return new Promise<Response>((resolve, reject) => {
      let settled = false;
      const onAbort = () => {
        if (settled) return;
        settled = true;
        this.leave(entry, signal!.reason);
        reject(signal!.reason);
      };
      // The signal is often the executor's one dispose signal, shared by every call: one listener for all (whenAborted).
      const stopWatching = signal ? whenAborted(signal, onAbort) : undefined;
      entry.result.then(
        (shared) => {
          if (settled) return;
          settled = true;
          stopWatching?.();
          try {
            resolve(toResponse(shared));
          } catch (error) {
            reject(error);
          }
        },
        (error: unknown) => {
          if (settled) return;
          settled = true;
          stopWatching?.();
          reject(error);
        },
      );
    });
  }

  private leave(entry: Entry, reason: unknown): void {
    entry.callers -= 1;
    if (entry.callers > 0) return;
    // Nobody waits any more: stop the call, and let the next caller start afresh rather than join an aborted one.
    if (this.entries.get(entry.key) === entry) this.entries.delete(entry.key);
    entry.controller.abort(reason);
  }
}

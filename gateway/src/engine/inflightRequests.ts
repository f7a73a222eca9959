interface SharedResponse {
  status: number;
  statusText: string;
  headers: [string, string][];
  body: ArrayBuffer;
}

interface Entry {
  key: string;
  result: Promise<SharedResponse>;
  /** Aborts the shared call; used only once every caller has gone. */
  controller: AbortController;
  callers: number;
}

/** Statuses whose Response cannot have a body. */
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

/** Not meaningful once the body is read whole and decoded. */
const BODY_FRAMING_HEADERS = new Set(['content-length', 'content-encoding', 'transfer-encoding']);

/**
 * Calls in flight by key. The first caller starts the call; callers with the
 * same key while it is in flight wait for it; each gets its own Response (the
 * body is read once and copied), and a failure reaches every one of them. The
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

  run(key: string, signal: AbortSignal | undefined, call: (signal: AbortSignal) => Promise<Response> | Response): Promise<Response> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    let entry = this.entries.get(key);
    if (!entry) entry = this.start(key, call);
    return this.join(entry, signal);
  }

  private start(key: string, call: (signal: AbortSignal) => Promise<Response> | Response): Entry {
    const controller = new AbortController();
    const entry: Entry = { key, controller, callers: 0, result: undefined as never };
    entry.result = (async (): Promise<SharedResponse> => {
      const response = await call(controller.signal);
      const headers: [string, string][] = [];
      response.headers.forEach((value, name) => {
        if (!BODY_FRAMING_HEADERS.has(name)) headers.push([name, value]);
      });
      return { status: response.status, statusText: response.statusText, headers, body: await response.arrayBuffer() };
    })().finally(() => {
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
      signal?.addEventListener('abort', onAbort, { once: true });
      entry.result.then(
        (shared) => {
          if (settled) return;
          settled = true;
          signal?.removeEventListener('abort', onAbort);
          try {
            resolve(toResponse(shared));
          } catch (error) {
            reject(error);
          }
        },
        (error: unknown) => {
          if (settled) return;
          settled = true;
          signal?.removeEventListener('abort', onAbort);
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

/** A fresh Response for one caller: same status and headers, its own copy of the body. */
function toResponse(shared: SharedResponse): Response {
  const body = NULL_BODY_STATUS.has(shared.status) ? null : shared.body.slice(0);
  return new Response(body, { status: shared.status, statusText: shared.statusText, headers: shared.headers });
}

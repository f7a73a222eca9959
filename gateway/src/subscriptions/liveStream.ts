import type { ExecutionResult } from 'graphql';

/**
 * The async iterator a subscription hands to the transport (Yoga's SSE, graphql-ws).
 * Events are pushed as they are resolved; `end` queues a last frame (the error that
 * ends it) and completes. When the client goes away the transport calls `return`,
 * which runs `onClose` once, whichever side ended first.
 */
export class LiveStream implements AsyncIterableIterator<ExecutionResult> {
  private readonly queue: ExecutionResult[] = [];
  private waiting: ((result: IteratorResult<ExecutionResult>) => void) | undefined;
  private ended = false;
  private closed = false;

  constructor(private readonly onClose: () => void) {}

  get isOpen(): boolean {
    return !this.ended;
  }

  push(result: ExecutionResult): void {
    if (this.ended) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: result, done: false });
    } else {
      this.queue.push(result);
    }
  }

  /** Completes after what is queued, optionally with one last frame. */
  end(last?: ExecutionResult): void {
    if (this.ended) return;
    if (last) this.push(last);
    this.ended = true;
    this.close();
    if (this.waiting && this.queue.length === 0) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: undefined, done: true });
    }
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve({ value: queued, done: false });
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<ExecutionResult>> {
    this.queue.length = 0;
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<ExecutionResult>> {
    this.return();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
  }
}

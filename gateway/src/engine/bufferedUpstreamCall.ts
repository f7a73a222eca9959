import { GraphQLError } from 'graphql';
import { whenAborted } from './whenAborted';

/** One subgraph answer read whole: what every caller of a shared call gets its own Response from. */
export interface BufferedAnswer {
  status: number;
  statusText: string;
  headers: [string, string][];
  /** The decoded body; undefined for a streamed answer handed on unread. */
  text?: string;
  /** A streamed answer (SSE, multipart) of a call nobody shares, handed on as the subgraph sent it. */
  streamed?: Response;
}

/** Not meaningful once the body is read whole and decoded. */
const BODY_FRAMING_HEADERS = new Set(['content-length', 'content-encoding', 'transfer-encoding']);

/** Answers read as a stream by the HTTP executor, never as text. */
const STREAMED = /text\/event-stream|multipart\/mixed/i;

/** The error a subgraph call that outlived UPSTREAM_TIMEOUT_MS fails with; createGatewayMaskError turns it into SERVICE_UNAVAILABLE. */
export function upstreamTimeoutError(subgraph: string, timeoutMs: number): GraphQLError {
  return new GraphQLError(`Timed out after ${timeoutMs} ms waiting for ${subgraph}`, {
    extensions: { code: 'GATEWAY_TIMEOUT', serviceName: subgraph, http: { status: 504 } },
  });
}

export function isUpstreamTimeout(error: unknown): boolean {
  return error instanceof GraphQLError && error.extensions['code'] === 'GATEWAY_TIMEOUT';
}

/**
 * Makes one subgraph call under a deadline and reads its answer whole.
 *
 * Why here and not the runtime's `upstreamTimeout`: that option hands every
 * subgraph execution a combined signal, and the HTTP executor combines it
 * again with its own long-lived dispose signal (@graphql-hive/signal's
 * abortSignalAny). Each combination adds an 'abort' listener to that shared
 * dispose signal which only goes when the combined signal is garbage
 * collected: hundreds pile up under load (MaxListenersExceededWarning, GC
 * work, memory). Without a per-request signal the executor passes its dispose
 * signal through untouched; this deadline listens to it for the life of one
 * call only, through whenAborted (one listener however many calls wait).
 *
 * The timer covers the body too: it is cleared once the answer is read.
 */
export async function bufferedUpstreamCall(
  subgraph: string,
  timeoutMs: number,
  outer: AbortSignal | null | undefined,
  call: (signal: AbortSignal) => Promise<Response> | Response,
  options: { passStreams: boolean },
): Promise<BufferedAnswer> {
  if (outer?.aborted) throw outer.reason;
  const controller = new AbortController();
  // Made only when the deadline passes: a GraphQLError captures a stack, which per call showed in profiles.
  let timeout: GraphQLError | undefined;
  const timer = setTimeout(() => controller.abort((timeout = upstreamTimeoutError(subgraph, timeoutMs))), timeoutMs);
  const stopWatching = outer ? whenAborted(outer, () => controller.abort(outer.reason)) : undefined;
  try {
    const response = await call(controller.signal);
    const headers: [string, string][] = [];
    response.headers.forEach((value, name) => {
      if (!BODY_FRAMING_HEADERS.has(name)) headers.push([name, value]);
    });
    const base = { status: response.status, statusText: response.statusText, headers };
    // A stream nobody shares goes on unread; its deadline ends here, at the headers.
    if (options.passStreams && STREAMED.test(response.headers.get('content-type') ?? '')) return { ...base, streamed: response };
    return { ...base, text: await untilAborted(response.text(), controller.signal, () => void response.body?.cancel().catch(() => undefined)) };
  } catch (error) {
    // fetch rejects with the abort reason, or with an AbortError wrapping it: either way it was the deadline.
    if (timeout && controller.signal.reason === timeout) throw timeout;
    throw error;
  } finally {
    clearTimeout(timer);
    stopWatching?.();
  }
}

/** `work`, or the signal's reason once it aborts first (fetch ties its body to the signal; a Response from elsewhere may not). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal, onAbort: () => void): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      onAbort();
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', abort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(error as Error);
      },
    );
  });
}

/**
 * A Response over an answer already read: text() and json() hand out the
 * decoded body without a stream, an encoder or a copy of the bytes (the HTTP
 * executor only calls text()). Each caller gets its own object.
 */
class BufferedResponse extends Response {
  readonly #text: string;
  #used = false;

  constructor(text: string, init: ResponseInit) {
    super(null, init);
    this.#text = text;
  }

  override get bodyUsed(): boolean {
    return this.#used;
  }

  override text(): Promise<string> {
    if (this.#used) return Promise.reject(new TypeError('Body is unusable: Body has already been read'));
    this.#used = true;
    return Promise.resolve(this.#text);
  }

  override async json(): Promise<never> {
    return JSON.parse(await this.text()) as never;
  }

  override async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = Buffer.from(await this.text(), 'utf8');
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }
}

/** A fresh Response for one caller. */
export function toResponse(answer: BufferedAnswer): Response {
  if (answer.streamed) return answer.streamed;
  const type = answer.headers.find(([name]) => name === 'content-type')?.[1] ?? '';
  // A shared stream was read whole; the executor still parses it from a body.
  if (STREAMED.test(type)) return new Response(answer.text ?? '', { status: answer.status, statusText: answer.statusText, headers: answer.headers });
  return new BufferedResponse(answer.text ?? '', { status: answer.status, statusText: answer.statusText, headers: answer.headers });
}

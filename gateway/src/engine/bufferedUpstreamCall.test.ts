import { getEventListeners } from 'node:events';
import { bufferedUpstreamCall, isUpstreamTimeout, toResponse } from './bufferedUpstreamCall';

const json = (body: unknown, headers: Record<string, string> = {}) => new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json', 'content-length': '99', ...headers } });

describe('bufferedUpstreamCall', () => {
  it('leaves no listener on the long-lived signal it is given once each call settles (the MaxListenersExceededWarning of issue 19)', async () => {
    // The HTTP executor hands every fetch its one dispose signal; listeners that outlive their call pile up on it.
    const dispose = new AbortController().signal;
    const answers: (() => void)[] = [];
    const calls = Array.from({ length: 50 }, (_, i) =>
      bufferedUpstreamCall('products', 5_000, dispose, () => new Promise<Response>((resolve) => answers.push(() => resolve(json({ data: { i } })))), { passStreams: true }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(getEventListeners(dispose, 'abort')).toHaveLength(1);
    answers.forEach((answer) => answer());
    const results = await Promise.all(calls);
    expect(results.map((r) => JSON.parse(r.text!).data.i)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(getEventListeners(dispose, 'abort')).toHaveLength(0);
    // A failed call removes its listener too.
    await expect(bufferedUpstreamCall('products', 5_000, dispose, () => Promise.reject(new TypeError('fetch failed')), { passStreams: true })).rejects.toThrow('fetch failed');
    expect(getEventListeners(dispose, 'abort')).toHaveLength(0);
  });

  it('fails with GATEWAY_TIMEOUT naming the subgraph and aborts the call when the deadline passes', async () => {
    let seen: AbortSignal | undefined;
    const error = await bufferedUpstreamCall(
      'reviews',
      30,
      undefined,
      (signal) =>
        new Promise<Response>((_, reject) => {
          seen = signal;
          signal.addEventListener('abort', () => reject(new DOMException('This operation was aborted', 'AbortError')));
        }),
      { passStreams: true },
    ).catch((e: unknown) => e);
    expect(isUpstreamTimeout(error)).toBe(true);
    expect((error as { extensions: Record<string, unknown> }).extensions).toMatchObject({ code: 'GATEWAY_TIMEOUT', serviceName: 'reviews' });
    expect(seen?.aborted).toBe(true);
  });

  it('keeps the deadline over the body, not only the headers', async () => {
    const stalled = new ReadableStream<Uint8Array>({ start: () => undefined });
    const error = await bufferedUpstreamCall('accounts', 30, undefined, async () => new Response(stalled, { headers: { 'content-type': 'application/json' } }), { passStreams: true }).catch((e: unknown) => e);
    expect(isUpstreamTimeout(error)).toBe(true);
  });

  it('passes an abort of the outer signal on to the call', async () => {
    const outer = new AbortController();
    let seen: AbortSignal | undefined;
    const pending = bufferedUpstreamCall('accounts', 5_000, outer.signal, (signal) => new Promise<Response>((_, reject) => ((seen = signal), signal.addEventListener('abort', () => reject(signal.reason)))), { passStreams: true });
    outer.abort(new Error('disposed'));
    await expect(pending).rejects.toThrow('disposed');
    expect(seen?.aborted).toBe(true);
  });

  it('reads the answer once; each Response made from it reads whole, without the framing headers', async () => {
    const answer = await bufferedUpstreamCall('accounts', 5_000, undefined, async () => json({ data: { me: 1 } }, { 'x-subgraph': 'accounts' }), { passStreams: true });
    const [a, b] = [toResponse(answer), toResponse(answer)];
    expect(a).not.toBe(b);
    expect(await a.json()).toEqual({ data: { me: 1 } });
    expect(await b.text()).toBe('{"data":{"me":1}}');
    expect(b.bodyUsed).toBe(true);
    await expect(b.text()).rejects.toThrow('already been read');
    expect(a.headers.get('x-subgraph')).toBe('accounts');
    expect(a.headers.get('content-length')).toBeNull();
  });

  it('hands on a stream unread when asked to, and reads it whole when the answer is shared', async () => {
    const sse = () => new Response('data: {}\n\n', { headers: { 'content-type': 'text/event-stream' } });
    const passed = await bufferedUpstreamCall('calls', 5_000, undefined, async () => sse(), { passStreams: true });
    expect(passed.streamed).toBeInstanceOf(Response);
    const read = await bufferedUpstreamCall('calls', 5_000, undefined, async () => sse(), { passStreams: false });
    expect(read.streamed).toBeUndefined();
    expect(await toResponse(read).text()).toBe('data: {}\n\n');
  });
});

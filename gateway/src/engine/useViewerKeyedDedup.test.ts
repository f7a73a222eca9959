import { parse } from 'graphql';
import { VIEWER_HEADER, createViewerSigner, generateKeyPairPem, type Viewer, type ViewerSigner } from '@profile-graph/core';
import { createFetchViewerOf, useSignedViewer, type FetchViewerOf } from '../viewer/useSignedViewer';
import { ViewerIndependence } from '../viewer/viewerIndependence';
import { canonicalJson, dedupKey, tokenViewersHeld, useViewerKeyedDedup } from './useViewerKeyedDedup';

type Fetch = (url: string, init?: Record<string, unknown>, context?: unknown, info?: unknown) => Promise<Response>;
type OnFetch = (payload: Record<string, unknown>) => Promise<void> | void;

const URL_IDENTITY = 'http://identity.test/graphql';
const ME = '{ me { id handle } }';
const ada: Viewer = { kind: 'user', userId: 'u-ada', scopes: [], clientIp: '10.0.0.1' };
const grace: Viewer = { kind: 'user', userId: 'u-grace', scopes: [], clientIp: '10.0.0.1' };

/** One upstream call the test answers (or fails) when it chooses. */
interface UpstreamCall {
  url: string;
  init: Record<string, unknown> & { headers: Record<string, string>; signal: AbortSignal };
  respond(body: unknown, status?: number, headers?: Record<string, string>): void;
  fail(error: unknown): void;
}

let sign: ViewerSigner;
beforeAll(async () => {
  sign = await createViewerSigner(generateKeyPairPem().privateKey);
});

/**
 * A fetch pipeline like the gateway's: the de-duplication wraps the network
 * fetch, then useSignedViewer signs the viewer into the headers with a real
 * Ed25519 token (a new one per fetch, as in production).
 */
function pipeline(viewerOf?: FetchViewerOf) {
  const calls: UpstreamCall[] = [];
  const network = jest.fn((url: string, init: UpstreamCall['init']) => {
    return new Promise<Response>((resolve, reject) => {
      calls.push({
        url,
        init,
        respond: (body, status = 200, headers = {}) =>
          resolve(new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', 'content-length': '999', ...headers } })),
        fail: reject,
      });
    });
  });
  const dedup = useViewerKeyedDedup({ timeoutMs: 5_000, ...(viewerOf ? { viewerOf } : {}) }).onFetch as unknown as OnFetch;
  const signed = useSignedViewer({ sign, ...(viewerOf ? { viewerOf } : {}) }).onFetch as unknown as OnFetch;

  /** Issues one subgraph fetch; resolves once it was handed to the fetch function (not when it is answered). */
  async function issue(
    viewer: Viewer | undefined,
    query: string,
    more: { variables?: Record<string, unknown>; operationName?: string; subgraphName?: string; headers?: Record<string, string>; signal?: AbortSignal; body?: unknown; sign?: boolean } = {},
  ): Promise<{ response: Promise<Response> }> {
    const executionRequest = {
      document: parse(query),
      ...(more.operationName ? { operationName: more.operationName } : {}),
      subgraphName: more.subgraphName ?? 'identity',
      context: viewer ? { viewer } : {},
    };
    let fetchFn = network as unknown as Fetch;
    let options: Record<string, unknown> = {
      method: 'POST',
      headers: { accept: 'application/graphql-response+json, application/json', 'content-type': 'application/json', ...more.headers },
      body: more.body ?? JSON.stringify({ query, variables: more.variables ?? {}, ...(more.operationName ? { operationName: more.operationName } : {}) }),
      ...(more.signal ? { signal: more.signal } : {}),
    };
    const payload = () => ({ executionRequest, fetchFn, setFetchFn: (f: Fetch) => (fetchFn = f), options, setOptions: (o: typeof options) => (options = o) });
    await dedup(payload());
    if (more.sign !== false) await signed(payload());
    return { response: fetchFn(URL_IDENTITY, options, executionRequest.context, { executionRequest }) };
  }

  return { calls, network, issue };
}

async function json(response: Promise<Response>): Promise<unknown> {
  return (await response).json();
}

describe('useViewerKeyedDedup', () => {
  it('makes one call for concurrent identical queries of one viewer, and gives each caller its own readable response', async () => {
    const { calls, issue } = pipeline();
    const [first, second] = await Promise.all([issue(ada, ME), issue(ada, ME)]);
    expect(calls).toHaveLength(1);
    calls[0]!.respond({ data: { me: { id: 'u-ada' } } }, 200, { 'x-subgraph': 'identity' });
    const [a, b] = await Promise.all([first.response, second.response]);
    expect(a).not.toBe(b);
    for (const response of [a, b]) {
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(response.headers.get('x-subgraph')).toBe('identity');
      // The copy is decoded and whole: the upstream's framing headers no longer describe it.
      expect(response.headers.get('content-length')).toBeNull();
      expect(await response.json()).toEqual({ data: { me: { id: 'u-ada' } } });
    }
  });

  it('shares even though each fetch carries a freshly signed viewer token and its own request id and trace', async () => {
    const { calls, issue } = pipeline();
    const fetches = await Promise.all([
      issue(ada, ME, { headers: { 'x-request-id': 'r1', traceparent: '00-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-bbbbbbbbbbbbbbbb-01' } }),
      issue(ada, ME, { headers: { 'x-request-id': 'r2', traceparent: '00-cccccccccccccccccccccccccccccccc-dddddddddddddddd-01' } }),
    ]);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.init.headers[VIEWER_HEADER]).toMatch(/^ey/);
    calls[0]!.respond({ data: { me: { id: 'u-ada' } } });
    await Promise.all(fetches.map((f) => f.response));
  });

  it('never shares across viewers: each viewer gets its own call and its own answer', async () => {
    const { calls, issue } = pipeline();
    const fetches = await Promise.all([issue(ada, ME), issue(grace, ME), issue(ada, ME), issue(undefined, ME), issue(grace, ME)]);
    expect(calls).toHaveLength(3);
    for (const call of calls) {
      const claims = JSON.parse(Buffer.from(call.init.headers[VIEWER_HEADER]!.split('.')[1]!, 'base64url').toString()) as { viewer: Viewer };
      call.respond({ data: { me: claims.viewer.userId ? { id: claims.viewer.userId } : null } });
    }
    expect(await Promise.all(fetches.map((f) => json(f.response)))).toEqual([
      { data: { me: { id: 'u-ada' } } },
      { data: { me: { id: 'u-grace' } } },
      { data: { me: { id: 'u-ada' } } },
      { data: { me: null } },
      { data: { me: { id: 'u-grace' } } },
    ]);
  });

  it('shares a fetch the supergraph declares viewer-independent across viewers, signed for nobody; the rest stay per viewer', async () => {
    const independence = ViewerIndependence.fromSupergraph(
      parse(`directive @viewerIndependent on FIELD_DEFINITION | OBJECT
        type Query { jobs: [Job] @viewerIndependent me: User }
        type Job @viewerIndependent { id: ID title: String }
        type User { id: ID handle: String }`),
    );
    const { calls, issue } = pipeline(createFetchViewerOf(() => independence));
    const JOBS = '{ jobs { id title } }';
    const fetches = await Promise.all([issue(ada, JOBS), issue(grace, JOBS), issue(undefined, JOBS), issue(ada, ME), issue(grace, ME)]);
    expect(calls).toHaveLength(3);
    const viewerOfCall = (call: UpstreamCall) => (JSON.parse(Buffer.from(call.init.headers[VIEWER_HEADER]!.split('.')[1]!, 'base64url').toString()) as { viewer: Viewer }).viewer;
    const jobsCall = calls.find((call) => String(call.init.body).includes('jobs'))!;
    // The subgraph is told nobody is asking: it cannot answer for Ada or Grace in particular.
    expect(viewerOfCall(jobsCall)).toEqual({ kind: 'anonymous', scopes: [] });
    expect(calls.filter((call) => call !== jobsCall).map((call) => viewerOfCall(call).userId).sort()).toEqual(['u-ada', 'u-grace']);
    for (const call of calls) call.respond({ data: {} });
    await Promise.all(fetches.map((f) => f.response));
  });

  it('keeps the viewer it read from a token only until the token expires', async () => {
    const { calls, issue } = pipeline();
    await Promise.all(Array.from({ length: 20 }, (_, i) => issue({ ...ada, userId: `u-expiring-${i}` }, ME)));
    const held = tokenViewersHeld();
    expect(held).toBeGreaterThanOrEqual(20);
    // A minute later every one of those 30-second tokens is dead: the next token read drops them.
    const clock = jest.spyOn(Date, 'now').mockReturnValue(Date.now() + 60_000);
    try {
      await issue({ ...ada, userId: 'u-later' }, ME);
      expect(tokenViewersHeld()).toBeLessThanOrEqual(1);
    } finally {
      clock.mockRestore();
    }
    for (const call of calls) call.respond({ data: {} });
  });

  it.each<[string, Viewer]>([
    ['kind', { ...ada, kind: 'service' }],
    ['user id', { ...ada, userId: 'u-ada2' }],
    ['organization', { ...ada, orgId: 'o-1' }],
    ['API key', { ...ada, keyId: 'k-1' }],
    ['scopes', { ...ada, scopes: ['candidates:read'] }],
    ['client IP', { ...ada, clientIp: '10.0.0.2' }],
    ['client id', { ...ada, clientId: 'ios' }],
    ['user agent', { ...ada, userAgent: 'curl/8' }],
  ])('treats viewers differing only in %s as different viewers', async (_field, other) => {
    const { calls, issue } = pipeline();
    await Promise.all([issue(ada, ME), issue(other, ME)]);
    expect(calls).toHaveLength(2);
  });

  it('treats the same viewer with its fields in another order as the same viewer', async () => {
    const { calls, issue } = pipeline();
    const reordered: Viewer = { clientIp: '10.0.0.1', scopes: [], userId: 'u-ada', kind: 'user' };
    await Promise.all([issue(ada, ME), issue(reordered, ME)]);
    expect(calls).toHaveLength(1);
  });

  it('keys by subgraph, body and headers: any difference is another call', async () => {
    const { calls, issue } = pipeline();
    const query = 'query Q($id: ID!) { user(id: $id) { id } }';
    await Promise.all([
      issue(ada, query, { variables: { id: '1' } }),
      issue(ada, query, { variables: { id: '2' } }),
      issue(ada, query, { variables: { id: '1' }, subgraphName: 'hiring' }),
      issue(ada, query, { variables: { id: '1' }, headers: { accept: 'application/json' } }),
      issue(ada, query, { variables: { id: '1' } }),
    ]);
    expect(calls).toHaveLength(4);
  });

  it('never shares a mutation, even identical ones of one viewer', async () => {
    const { calls, issue } = pipeline();
    const mutation = 'mutation { createOrganization(input: { name: "Acme" }) { id } }';
    const fetches = await Promise.all([issue(ada, mutation), issue(ada, mutation), issue(ada, mutation)]);
    expect(calls).toHaveLength(3);
    calls.forEach((call, i) => call.respond({ data: { createOrganization: { id: `o-${i}` } } }));
    // Signing is async, so calls need not arrive in the order issued: each caller gets one of the three answers, no two the same.
    const ids = (await Promise.all(fetches.map((f) => json(f.response)))).map((body) => (body as { data: { createOrganization: { id: string } } }).data.createOrganization.id);
    expect(ids.sort()).toEqual(['o-0', 'o-1', 'o-2']);
  });

  it('never shares when the operation sent is a mutation in a document that also holds a query', async () => {
    const { calls, issue } = pipeline();
    const document = 'query Q { me { id } } mutation M { signOut(refreshToken: "t") }';
    await Promise.all([issue(ada, document, { operationName: 'M' }), issue(ada, document, { operationName: 'M' })]);
    expect(calls).toHaveLength(2);
  });

  it('never shares a subscription', async () => {
    const { calls, issue } = pipeline();
    await Promise.all([issue(ada, 'subscription { ticks }'), issue(ada, 'subscription { ticks }')]);
    expect(calls).toHaveLength(2);
  });

  it('makes a new call once the previous one settled', async () => {
    const { calls, issue } = pipeline();
    const first = await issue(ada, ME);
    calls[0]!.respond({ data: { me: { id: 'u-ada', handle: 'old' } } });
    await first.response;
    const second = await issue(ada, ME);
    expect(calls).toHaveLength(2);
    calls[1]!.respond({ data: { me: { id: 'u-ada', handle: 'new' } } });
    expect(await json(second.response)).toEqual({ data: { me: { id: 'u-ada', handle: 'new' } } });
  });

  it('gives a failure to every caller and forgets the call', async () => {
    const { calls, issue } = pipeline();
    const fetches = await Promise.all([issue(ada, ME), issue(ada, ME), issue(ada, ME)]);
    expect(calls).toHaveLength(1);
    const failure = new TypeError('fetch failed: ECONNREFUSED');
    calls[0]!.fail(failure);
    for (const f of fetches) await expect(f.response).rejects.toBe(failure);
    const retry = await issue(ada, ME);
    expect(calls).toHaveLength(2);
    calls[1]!.respond({ data: { me: { id: 'u-ada' } } });
    expect(await json(retry.response)).toEqual({ data: { me: { id: 'u-ada' } } });
  });

  it("ends only one caller's wait when its signal aborts; the shared call goes on for the others", async () => {
    const { calls, issue } = pipeline();
    const gone = new AbortController();
    const [leaving, staying] = await Promise.all([issue(ada, ME, { signal: gone.signal }), issue(ada, ME)]);
    expect(calls).toHaveLength(1);
    gone.abort(new Error('client went away'));
    await expect(leaving.response).rejects.toThrow('client went away');
    expect(calls[0]!.init.signal.aborted).toBe(false);
    calls[0]!.respond({ data: { me: { id: 'u-ada' } } });
    expect(await json(staying.response)).toEqual({ data: { me: { id: 'u-ada' } } });
  });

  it('aborts the shared call when every caller has gone, and the next caller starts afresh', async () => {
    const { calls, issue } = pipeline();
    const one = new AbortController();
    const two = new AbortController();
    const fetches = await Promise.all([issue(ada, ME, { signal: one.signal }), issue(ada, ME, { signal: two.signal })]);
    one.abort(new Error('timeout 1'));
    two.abort(new Error('timeout 2'));
    await expect(fetches[0]!.response).rejects.toThrow('timeout 1');
    await expect(fetches[1]!.response).rejects.toThrow('timeout 2');
    expect(calls[0]!.init.signal.aborted).toBe(true);
    await issue(ada, ME);
    expect(calls).toHaveLength(2);
  });

  it('does not share when the viewer token does not carry the viewer being keyed (or there is none)', async () => {
    const { calls, issue } = pipeline();
    await Promise.all([issue(ada, ME, { sign: false }), issue(ada, ME, { sign: false })]);
    expect(calls).toHaveLength(2);
  });

  it('does not share a body that is not text', async () => {
    const { calls, issue } = pipeline();
    const body = new Uint8Array([1, 2, 3]);
    await Promise.all([issue(ada, ME, { body }), issue(ada, ME, { body })]);
    expect(calls).toHaveLength(2);
  });

  it('leaves fetches that are not subgraph calls alone', () => {
    const setFetchFn = jest.fn();
    (useViewerKeyedDedup({ timeoutMs: 5_000 }).onFetch as unknown as OnFetch)({ fetchFn: jest.fn(), setFetchFn, options: {} });
    expect(setFetchFn).not.toHaveBeenCalled();
  });
});

describe('dedupKey', () => {
  const document = parse(ME);

  it('is undefined for a mutation named by operationType even when the document reads as a query', () => {
    expect(dedupKey({ document, operationType: 'mutation' as never, subgraphName: 'identity', context: { viewer: ada } }, URL_IDENTITY, { body: '{}' })).toBeUndefined();
  });

  it('is undefined without a subgraph name', () => {
    expect(dedupKey({ document, context: { viewer: ada } }, URL_IDENTITY, { body: '{}' })).toBeUndefined();
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: undefined, b: null } })).toBe('{"a":{"b":null,"d":[2,1]},"b":1}');
  });
});

import { OperationTypeNode, getOperationAST, type DocumentNode } from 'graphql';
import { VIEWER_HEADER } from '@profile-graph/core';
import { signedViewerOf, type FetchViewerOf } from '../viewer/useSignedViewer';
import { canonicalJson, canonicalViewer } from '../viewer/canonicalViewer';

export { canonicalJson };
import { ExpiringMap } from '../auth/expiringMap';
import { InflightRequests } from './inflightRequests';
import { bufferedUpstreamCall, toResponse } from './bufferedUpstreamCall';
import type { EnginePlugin } from './types';

export interface ViewerKeyedDedupOptions {
  /** The deadline of each subgraph fetch, body included. */
  timeoutMs: number;
  /** Whether identical in-flight fetches of one viewer share one call. */
  share?: boolean;
  /** The viewer each fetch is signed for (the signer's own function): the key's viewer. Default: the request's. */
  viewerOf?: FetchViewerOf;
}

/**
 * Concurrent identical subgraph queries made for the same viewer share one
 * HTTP call.
 *
 * Why our own: the HTTP transport's `deduplicateInflightRequests` keys by URL
 * and body only, before the per-fetch signed viewer header exists, so two
 * users asking `{ me { ... } }` at once got one user's answer (createEngine
 * keeps it off). The viewer token cannot be the key either: it is signed per
 * fetch, so it differs every time. The key here is everything that decides
 * the subgraph's answer: the subgraph, method, URL, the viewer (whole,
 * serialized canonically), every header except the per-fetch ones, and the
 * exact body. Only queries are shared; mutations, subscriptions and anything
 * that cannot be keyed always get their own call.
 *
 * It must be the innermost fetch wrapper (the first onFetch plugin): it then
 * sees the headers the other plugins settled on, and each caller still gets
 * its own span, metrics and error handling around the shared call.
 *
 * Every subgraph call, shared or not, also runs here under the upstream
 * deadline (`timeoutMs`, see bufferedUpstreamCall for why not the runtime's),
 * and its answer is read once; `share: false` (SUBGRAPH_DEDUP=off) keeps only that.
 */
export function useViewerKeyedDedup(options: ViewerKeyedDedupOptions): EnginePlugin {
  const inflight = new InflightRequests();
  const share = options.share !== false;
  const viewerOf = options.viewerOf ?? signedViewerOf;
  return {
    onFetch({ executionRequest, fetchFn, setFetchFn }) {
      if (!executionRequest || !fetchFn) return;
      const inner = fetchFn as unknown as Fetch;
      const subgraph = executionRequest.subgraphName ?? 'subgraph';
      const deduplicated: Fetch = async (url, init, context, info) => {
        const call = (signal: AbortSignal) => inner(url, { ...init, signal }, context, info);
        let key: string | undefined;
        try {
          key = share ? dedupKey(executionRequest, url, init, viewerOf) : undefined;
        } catch {
          key = undefined; // e.g. a header the Headers class refuses: the fetch itself will say what is wrong
        }
        if (key === undefined) return toResponse(await bufferedUpstreamCall(subgraph, options.timeoutMs, init?.signal, call, { passStreams: true }));
        return inflight.run(key, init?.signal ?? undefined, (signal) => bufferedUpstreamCall(subgraph, options.timeoutMs, signal, call, { passStreams: false }));
      };
      setFetchFn(deduplicated as never);
    },
  };
}

type Fetch = (url: string, init?: FetchInit, context?: unknown, info?: unknown) => Promise<Response> | Response;

interface FetchInit {
  method?: string;
  headers?: unknown;
  body?: unknown;
  signal?: AbortSignal | null;
  [option: string]: unknown;
}

export interface KeyedExecutionRequest {
  document?: DocumentNode;
  operationName?: string;
  operationType?: OperationTypeNode;
  subgraphName?: string;
  context?: unknown;
}

/**
 * Headers that differ per fetch without changing the answer. The viewer token
 * is among them only because the viewer it carries is keyed in its place (and
 * checked to match, see dedupKey).
 */
const PER_FETCH_HEADERS = new Set([VIEWER_HEADER, 'traceparent', 'tracestate', 'baggage', 'x-request-id']);

/**
 * The sharing key of one subgraph fetch, or undefined when it must have its
 * own call: not a query, no subgraph name, a body that is not text, or a
 * viewer token that does not carry the viewer being keyed.
 */
export function dedupKey(executionRequest: KeyedExecutionRequest, url: string, init: FetchInit | undefined, viewerOf: FetchViewerOf = signedViewerOf): string | undefined {
  if (!isQuery(executionRequest)) return undefined;
  const subgraph = executionRequest.subgraphName;
  if (!subgraph) return undefined;
  const body = init?.body;
  if (body !== undefined && body !== null && typeof body !== 'string') return undefined;
  const headers = new Headers((init?.headers ?? undefined) as HeadersInit | undefined);
  const viewer = canonicalViewer(viewerOf(executionRequest));
  // The key stands for the viewer the subgraph will read from the token; if the token says anything else
  // (missing, another viewer, not ours), sharing could hand one viewer's answer to another: do not share.
  if (tokenViewer(headers.get(VIEWER_HEADER)) !== viewer) return undefined;
  const kept: [string, string][] = [];
  headers.forEach((value, name) => {
    if (!PER_FETCH_HEADERS.has(name)) kept.push([name, value]);
  });
  kept.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([subgraph, (init?.method ?? 'GET').toUpperCase(), url, viewer, kept, body ?? null]);
}

function isQuery(executionRequest: KeyedExecutionRequest): boolean {
  if (executionRequest.operationType !== undefined && executionRequest.operationType !== OperationTypeNode.QUERY) return false;
  if (!executionRequest.document) return false;
  return getOperationAST(executionRequest.document, executionRequest.operationName)?.operation === OperationTypeNode.QUERY;
}

/**
 * Tokens already read: a token is reused for many fetches (reusingViewerSigner), and kept here until it
 * expires. A plain map cleared when full held every token of the last 10,000 (a new one per viewer and
 * subgraph every few seconds): the soak's heap after GC grew by megabytes until the clear.
 */
const tokenViewers = new ExpiringMap<string | undefined>(10_000);
/** How long an unreadable token's verdict is kept (it has no readable expiry). */
const UNREADABLE_KEPT_MS = 30_000;

/** The `viewer` claim of a viewer token, canonically serialized; undefined when there is none. */
function tokenViewer(token: string | null, now = Date.now()): string | undefined {
  if (!token) return undefined;
  const known = tokenViewers.get(token, now);
  if (known) return known.value;
  const { viewer, expiresAtMs } = readTokenViewer(token);
  tokenViewers.set(token, viewer, expiresAtMs ?? now + UNREADABLE_KEPT_MS, now);
  return viewer;
}

function readTokenViewer(token: string): { viewer: string | undefined; expiresAtMs: number | undefined } {
  const payload = token.split('.')[1];
  if (!payload) return { viewer: undefined, expiresAtMs: undefined };
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { viewer?: unknown; exp?: unknown };
    return {
      viewer: claims.viewer === undefined ? undefined : canonicalJson(claims.viewer),
      expiresAtMs: typeof claims.exp === 'number' && Number.isFinite(claims.exp) ? claims.exp * 1000 : undefined,
    };
  } catch {
    return { viewer: undefined, expiresAtMs: undefined };
  }
}

/** Tokens read and not yet expired (a test checks dead tokens are not kept). */
export const tokenViewersHeld = (): number => tokenViewers.size;

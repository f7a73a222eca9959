import { VIEWER_HEADER, anonymousViewer, type Viewer, type ViewerSigner } from '@profile-graph/core';
import type { DocumentNode } from 'graphql';
import type { EnginePlugin } from '../engine/types';
import type { ViewerIndependence } from './viewerIndependence';

/**
 * The viewer a subgraph fetch is signed for: the request's viewer, else
 * anonymous. One function, so whatever keys on "who is asking" (the in-flight
 * de-duplication) reads exactly what the signer signs.
 */
export function signedViewerOf(executionRequest: { context?: unknown }): Viewer {
  return (executionRequest.context as { viewer?: Viewer } | undefined)?.viewer ?? anonymousViewer;
}

/** A subgraph fetch, as far as deciding its viewer goes. */
export interface FetchRequest {
  context?: unknown;
  document?: DocumentNode;
  operationName?: string;
}

/** The viewer one subgraph fetch is signed for, and keyed by when shared. */
export type FetchViewerOf = (executionRequest: FetchRequest) => Viewer;

/**
 * The request's viewer, except for a fetch the supergraph declares the same for everyone
 * (ViewerIndependence): that one is signed for the anonymous viewer, so every caller can share it.
 * `independence` is read per fetch, so a supergraph reload changes it at once; undefined: none is.
 */
export function createFetchViewerOf(independence: () => ViewerIndependence | undefined): FetchViewerOf {
  return (executionRequest) => {
    const viewer = signedViewerOf(executionRequest);
    if (viewer === anonymousViewer || !executionRequest.document) return viewer;
    return independence()?.isIndependentFetch(executionRequest.document, executionRequest.operationName) ? anonymousViewer : viewer;
  };
}

/**
 * Headers that carry identity from the client. The gateway replaces all of
 * them with one signed viewer: forwarding any would let a client speak to a
 * subgraph as someone else, or hand a subgraph a credential it never needs.
 */
const CLIENT_IDENTITY_HEADER = /^(x-viewer|authorization$|proxy-authorization$|cookie$|x-api-key$|x-operator-token$|x-service-token$)/i;

export function stripClientIdentity(headers: Record<string, string> | undefined): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!CLIENT_IDENTITY_HEADER.test(name)) kept[name] = value;
  }
  return kept;
}

export interface SignedViewerOptions {
  sign: ViewerSigner;
  /** Who each fetch is signed for; default: the request's viewer (signedViewerOf). */
  viewerOf?: FetchViewerOf;
}

/**
 * Signs the request's viewer for each subgraph fetch. The token's audience is
 * the subgraph's name, so a token captured at one subgraph cannot be replayed
 * against another. The gateway's signer hands a (viewer, subgraph) token out
 * again for a few seconds (reusingViewerSigner): signing per fetch was the
 * largest cost of a signed-in request.
 */
export function useSignedViewer(options: SignedViewerOptions): EnginePlugin {
  const viewerOf = options.viewerOf ?? signedViewerOf;
  return {
    onFetch({ executionRequest, options: init, setOptions }) {
      // No execution request: the runtime fetching something for itself, not a subgraph call on behalf of a client.
      if (!executionRequest) return undefined;
      const subgraphName = executionRequest.subgraphName;
      if (!subgraphName) throw new Error('subgraph fetch without a subgraph name: refusing to call it unsigned');
      const viewer = viewerOf(executionRequest);
      return options.sign(viewer, subgraphName).then((token) => {
        setOptions({
          ...init,
          headers: { ...stripClientIdentity(init.headers as Record<string, string> | undefined), [VIEWER_HEADER]: token },
        });
      });
    },
  };
}

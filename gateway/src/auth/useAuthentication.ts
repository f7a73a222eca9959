import { anonymousViewer, type Logger, type Viewer } from '@profile-graph/kit';
import type { EnginePlugin } from '../engine/createEngine';
import { errorResponse } from '../errors/errorResponse';
import type { Authenticate } from './createAuthenticator';

/** What the gateway adds to each request's GraphQL context. */
export interface ViewerContext {
  viewer: Viewer;
}

/**
 * Authenticates before the request is parsed, so a bad token costs no
 * parsing, validation or planning and fails the whole request with 401.
 */
export function useAuthentication(options: { authenticate: Authenticate; graphqlEndpoint: string; logger: Logger }): EnginePlugin {
  // Keyed by the Request object the context is later built for; entries go with the request.
  const viewers = new WeakMap<Request, Viewer>();
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== options.graphqlEndpoint) return undefined;
      return options.authenticate(request.headers).then(
        (viewer) => {
          viewers.set(request, viewer);
        },
        (error: unknown) => {
          options.logger.info({ err: error instanceof Error ? error.message : String(error) }, 'request rejected: authentication failed');
          endResponse(errorResponse(error, fetchAPI.Response));
        },
      );
    },
    onContextBuilding({ context, extendContext }) {
      extendContext({ viewer: viewers.get(context.request) ?? anonymousViewer } satisfies ViewerContext);
    },
  };
}

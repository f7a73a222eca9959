import type { IncomingMessage } from 'node:http';
import { AppError, anonymousViewer, type Logger, type Viewer } from '@profile-graph/core';
import type { EnginePlugin } from '../engine/types';
import { errorResponse } from '../errors/errorResponse';
import type { RateLimiter } from '../limits/tokenBucketLimiter';
import { rateLimitKey } from '../limits/rateLimitKey';
import { clientIp } from './clientIp';
import { clientOrigin } from './clientOrigin';
import type { Authenticate } from './createAuthenticator';

/** What the gateway adds to each request's GraphQL context. */
export interface ViewerContext {
  viewer: Viewer;
}

export interface AuthenticationOptions {
  authenticate: Authenticate;
  graphqlEndpoint: string;
  logger: Logger;
  /** X-Forwarded-For entries appended by proxies we trust (0: use the socket address). */
  trustProxyHops?: number;
  /** Per-viewer budget; failed authentications spend the client address's budget. */
  limiter?: RateLimiter;
  /** Where the viewer of each request is kept, for hooks that run before the context exists (validation). */
  viewers?: WeakMap<Request, Viewer>;
  /** Requests the gateway makes itself (a live event resolved for an open subscription): authenticated, but not charged to the rate limit. */
  isInternal?: (serverContext: unknown) => boolean;
}

function rateLimited(retryAfterSeconds: number, ResponseImpl: typeof Response): Response {
  const response = errorResponse(new AppError('RATE_LIMITED', `Too many requests; retry in ${retryAfterSeconds} s.`, { retryAfterSeconds }), ResponseImpl);
  response.headers.set('retry-after', String(retryAfterSeconds));
  return response;
}

/**
 * Authenticates before the request is parsed, so a bad token costs no
 * parsing, validation or planning and fails the whole request with 401; then
 * spends one token of the viewer's rate-limit bucket (429 with Retry-After
 * when empty). The client's address rides along in the viewer for identity's
 * sign-in throttling.
 */
export function useAuthentication(options: AuthenticationOptions): EnginePlugin {
  // Keyed by the Request object the context is later built for; entries go with the request.
  const viewers = options.viewers ?? new WeakMap<Request, Viewer>();
  const limit = async (viewer: Viewer, ResponseImpl: typeof Response): Promise<Response | undefined> => {
    const taken = await options.limiter?.take(rateLimitKey(viewer));
    return taken && !taken.allowed ? rateLimited(taken.retryAfterSeconds, ResponseImpl) : undefined;
  };
  return {
    onRequest({ request, url, endResponse, fetchAPI, serverContext }) {
      if (url.pathname !== options.graphqlEndpoint) return undefined;
      const req = (serverContext as { req?: IncomingMessage } | undefined)?.req;
      const ip = clientIp(req, request.headers.get('x-forwarded-for'), options.trustProxyHops ?? 0);
      const origin = clientOrigin(request.headers);
      return options.authenticate(request.headers).then(
        async (authenticated) => {
          const viewer: Viewer = { ...authenticated, ...origin, ...(ip ? { clientIp: ip } : {}) };
          const refused = options.isInternal?.(serverContext) ? undefined : await limit(viewer, fetchAPI.Response);
          if (refused) return endResponse(refused);
          viewers.set(request, viewer);
        },
        async (error: unknown) => {
          options.logger.info({ err: error instanceof Error ? error.message : String(error) }, 'request rejected: authentication failed');
          // Guessing keys or tokens spends the guesser's address's budget.
          endResponse((await limit({ ...anonymousViewer, ...(ip ? { clientIp: ip } : {}) }, fetchAPI.Response)) ?? errorResponse(error, fetchAPI.Response));
        },
      );
    },
    onContextBuilding({ context, extendContext }) {
      extendContext({ viewer: viewers.get(context.request) ?? anonymousViewer } satisfies ViewerContext);
    },
  };
}

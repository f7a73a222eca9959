import type { Server } from 'node:http';
import type { ExecutionResult } from 'graphql';
import type { Logger, Viewer } from '@profile-graph/core';
import type { GatewayConfig } from '../config/loadGatewayConfig';
import type { Engine, EnginePlugin } from '../engine/types';
import type { AuthRequirements } from '../authorization/readAuthRequirements';
import type { RateLimiter } from '../limits/tokenBucketLimiter';
import type { IdentityLink } from '../auth/identityLink';
import { attachWebSocket, type GatewayWebSockets } from './attachWebSocket';
import { LiveEvents } from './liveEvents';
import { LiveSubscriptions } from './liveSubscriptions';
import { useLiveSubscriptions } from './useLiveSubscriptions';

/** Marks the gateway's own requests (live events) in the server context, where no client can put anything. */
const LIVE_EVENT = Symbol('live event');
export const isLiveEventRequest = (serverContext: unknown): boolean => (serverContext as Record<symbol, unknown> | undefined)?.[LIVE_EVENT] === true;

export interface SubscriptionsDeps {
  config: GatewayConfig;
  graphqlEndpoint: string;
  logger: Logger;
  authenticate(headers: Headers): Promise<Viewer>;
  /** The current supergraph's requirements (they change with a reload). */
  requirements: () => AuthRequirements;
  viewers: WeakMap<Request, Viewer>;
  limiter: RateLimiter;
  /** The gateway's NATS link: its connection carries the live events, its revocations re-check open subscriptions. */
  identityLink: Promise<IdentityLink | undefined>;
  onRefused(subject: string): void;
  onCount(open: number): void;
}

export interface GatewaySubscriptions {
  plugin: EnginePlugin;
  /** Starts WebSocket serving on the HTTP server, and live events over NATS through `engine`. */
  attach(server: Server, engine: Engine): void;
  ready: Promise<unknown>;
  /** Ends every subscription with a last frame, then closes the WebSockets and the NATS connection. */
  close(): Promise<void>;
}

const DEFAULTS = { perViewer: 20, websocketsPerViewer: 5, keepAliveMs: 12_000 };

/** Subscriptions over SSE and WebSocket, resolved at the gateway from NATS events (README, "Subscriptions"). */
export function createSubscriptions(deps: SubscriptionsDeps): GatewaySubscriptions {
  const { config } = deps;
  const limits = config.subscriptions ?? DEFAULTS;
  const events: Promise<LiveEvents | undefined> = deps.identityLink.then((link) =>
    link
      ? LiveEvents.start(link.nc, {
          logger: deps.logger,
          onRefused: deps.onRefused,
          // Called only after the connection is up, so `subscriptions` is set by then.
          onLost: () => subscriptions.endAll('SERVICE_UNAVAILABLE', 'Live events were interrupted; subscribe again and catch up with the cursor queries.'),
        })
      : undefined,
  );
  events.catch(() => undefined);
  let engine: Engine | undefined;
  let sockets: GatewayWebSockets | undefined;

  const subscriptions: LiveSubscriptions = new LiveSubscriptions({
    events,
    authenticate: deps.authenticate,
    requirements: deps.requirements,
    maxPerViewer: limits.perViewer,
    logger: deps.logger,
    onCount: deps.onCount,
    runQuery: async (credentials, query, variables) => {
      const request = new Request(`http://gateway${deps.graphqlEndpoint}`, {
        method: 'POST',
        headers: { ...credentials, 'content-type': 'application/json', accept: 'application/graphql-response+json' },
        body: JSON.stringify({ query, variables }),
      });
      const response = await engine!.fetch(request, { [LIVE_EVENT]: true });
      return { status: response.status, body: (await response.json()) as ExecutionResult };
    },
  });

  // Revocations arrive one entry at a time, and a reload of the bucket replays them all: one re-check per burst.
  let recheckQueued = false;
  void deps.identityLink
    .then((link) =>
      link?.onRevocation(() => {
        if (recheckQueued) return;
        recheckQueued = true;
        setImmediate(() => {
          recheckQueued = false;
          void subscriptions.recheckAll();
          void sockets?.recheckAll();
        });
      }),
    )
    .catch(() => undefined);

  return {
    plugin: useLiveSubscriptions(subscriptions),
    ready: events,
    attach(server, attached) {
      engine = attached;
      sockets = attachWebSocket({
        server,
        path: deps.graphqlEndpoint,
        engine: attached,
        authenticate: deps.authenticate,
        viewers: deps.viewers,
        corsOrigins: config.corsOrigins,
        maxConnectionsPerViewer: limits.websocketsPerViewer,
        keepAliveMs: limits.keepAliveMs,
        maxPayloadBytes: config.limits.maxBodyBytes,
        trustProxyHops: config.trustProxyHops,
        limiter: deps.limiter,
        logger: deps.logger,
      });
    },
    async close() {
      subscriptions.closeAll();
      await sockets?.close();
      (await events.catch(() => undefined))?.stop();
    },
  };
}

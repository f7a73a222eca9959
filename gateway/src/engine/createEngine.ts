import type { IncomingMessage, ServerResponse } from 'node:http';
import { print, type DocumentNode } from 'graphql';
import { createGatewayRuntime, getGraphQLWSOptions, type GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import httpTransport from '@graphql-mesh/transport-http';
import type { Logger } from '@profile-graph/core';
import { createEngineLogger } from './createEngineLogger';
import { useViewerKeyedDedup } from './useViewerKeyedDedup';

export type { GatewayPlugin as EnginePlugin } from '@graphql-hive/gateway-runtime';

export interface EngineOptions {
  supergraph: DocumentNode;
  graphqlEndpoint: string;
  logger: Logger;
  plugins: GatewayPlugin[];
  upstreamTimeoutMs: number;
  /** Replaces every error a client would see; the engine's own masking would leak subgraph messages. */
  maskError: (error: unknown) => Error;
  /** Browser origins allowed to call cross-origin; empty turns CORS off (no Access-Control headers at all). */
  corsOrigins?: string[];
  /** Operations per batched request; 0 or unset: batching off. */
  maxBatch?: number;
  /** Whether this request's context may introspect the schema. */
  allowIntrospection?: (context: Record<string, unknown>) => boolean;
  /** Concurrent identical subgraph queries for the same viewer share one call (useViewerKeyedDedup). Default off. */
  dedupSubgraphRequests?: boolean;
}

export type GraphqlWsContext = Parameters<Parameters<typeof getGraphQLWSOptions>[1]>[0];

export interface Engine {
  /** Node request listener for everything the gateway does not answer itself. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** A request through the whole pipeline (plugins, planning, subgraphs) without HTTP; `serverContext` is visible to onRequest hooks. */
  fetch(request: Request, serverContext: Record<string, unknown>): Promise<Response>;
  /** graphql-ws server options that run each WebSocket operation through the same pipeline (minus onRequest, so auth is the caller's). */
  graphqlWsOptions(onContext: (ctx: GraphqlWsContext) => Promise<Record<string, unknown>> | Record<string, unknown>): ReturnType<typeof getGraphQLWSOptions>;
  /** Loads the supergraph and builds the query planner; resolves once queries can be served. */
  load(): Promise<void>;
  /**
   * Serves `supergraph` from now on. It is first built on a throwaway runtime, so a supergraph the planner
   * refuses rejects here and the current one keeps serving; requests in flight finish on the plan they had.
   */
  reload(supergraph: DocumentNode): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * The only place that knows which federation engine runs: Hive Gateway's
 * runtime (HTTP, GraphQL-over-HTTP, plugins) with the Rust query planner from
 * Hive Router (`unifiedGraphHandler`), which measured about 4x the throughput
 * of the JS planners on this machine. Swapping engines means rewriting this
 * file and the plugin adapters, nothing else.
 */
export function createEngine(options: EngineOptions): Engine {
  // First in the list, so its fetch wrapper is the innermost: the one that makes the HTTP call.
  const plugins = [useViewerKeyedDedup({ timeoutMs: options.upstreamTimeoutMs, share: options.dedupSubgraphRequests === true }), ...options.plugins];
  let supergraph = options.supergraph;
  const runtime = createGatewayRuntime({
    supergraph: () => supergraph,
    unifiedGraphHandler,
    // Listed explicitly: the runtime would otherwise try to import the transport by name at run time.
    transports: { http: httpTransport },
    // The HTTP executor shares one in-flight subgraph response among identical requests, keyed by URL and
    // body but not by the viewer header we add per fetch: two users asking `{ me { ... } }` at once would get
    // the same answer. It stays off; useViewerKeyedDedup shares calls only within one viewer.
    transportEntries: { '*.http': { options: { deduplicateInflightRequests: false } } },
    graphqlEndpoint: options.graphqlEndpoint,
    logging: createEngineLogger(options.logger),
    // A reload (reload below) keeps the superseded plan alive for requests still running on it, instead of aborting them.
    gracefulSchemaReload: { drainTimeout: Math.max(options.upstreamTimeoutMs * 2, 30_000) },
    // The gateway serves its own landing page (Sandbox) and health probes.
    landingPage: false,
    graphiql: false,
    maskedErrors: { maskError: (error) => options.maskError(error) },
    // Subgraph errors keep only what the subgraph said; names of internal services are not the client's business.
    subgraphErrors: false,
    // No `upstreamTimeout`: useViewerKeyedDedup applies the deadline per fetch (bufferedUpstreamCall says why).
    // A browser may send a "simple" cross-site request (form post, GET) with the user's cookies; refusing those
    // unless they carry a non-simple content type or one of these headers is CSRF protection without tokens.
    csrfPrevention: { requestHeaders: ['x-graphql-csrf', 'apollo-require-preflight', 'x-apollo-operation-name'] },
    cors: options.corsOrigins?.length
      ? {
          origin: options.corsOrigins.includes('*') ? '*' : options.corsOrigins,
          methods: ['GET', 'POST', 'OPTIONS'],
          allowedHeaders: ['content-type', 'authorization', 'x-api-key', 'x-graphql-csrf', 'apollo-require-preflight', 'x-apollo-operation-name'],
          credentials: false,
          maxAge: 600,
        }
      : false,
    batching: options.maxBatch ? { limit: options.maxBatch } : false,
    ...(options.allowIntrospection
      ? { disableIntrospection: { disableIf: ({ context }: { context: Record<string, unknown> }) => !options.allowIntrospection!(context) } }
      : {}),
    plugins: () => plugins,
  });

  return {
    handle: (req, res) => {
      void runtime(req, res);
    },
    fetch: async (request, serverContext) => runtime.fetch(request, serverContext),
    graphqlWsOptions: (onContext) => getGraphQLWSOptions(runtime as never, onContext),
    load: async () => {
      await runtime.getSchema();
    },
    reload: async (next) => {
      const probe = createGatewayRuntime({
        supergraph: () => next,
        unifiedGraphHandler,
        transports: { http: httpTransport },
        logging: createEngineLogger(options.logger),
        landingPage: false,
        graphiql: false,
      });
      try {
        await probe.getSchema();
      } finally {
        await probe.dispose();
      }
      const previousDocument = supergraph;
      // The same supergraph again (a touch, an identical compose) is a reload with nothing to do.
      if (print(next) === print(previousDocument)) return;
      const previous = await runtime.getSchema();
      supergraph = next;
      // The runtime builds the new generation and keeps the old one if that fails; in-flight requests finish on theirs.
      await (runtime.invalidateUnifiedGraph() as unknown as Promise<unknown>);
      if ((await runtime.getSchema()) === previous) {
        supergraph = previousDocument;
        throw new Error('the engine kept the previous supergraph');
      }
    },
    dispose: async () => {
      await runtime.dispose();
    },
  };
}

/**
 * The runtime registers SIGINT/SIGTERM handlers that dispose it at once,
 * which would abort in-flight requests while main is still draining them.
 * Main owns shutdown order, so it takes those handlers away.
 */
export function detachEngineSignalHandlers(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const listener of process.listeners(signal)) {
      if (listener.name === 'terminateHandler') process.removeListener(signal, listener);
    }
  }
}

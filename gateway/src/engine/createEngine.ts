import { print } from 'graphql';
import { createGatewayRuntime, getGraphQLWSOptions } from '@graphql-hive/gateway-runtime';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import httpTransport from '@graphql-mesh/transport-http';
import { createEngineLogger } from './createEngineLogger';
import type { Engine, EngineOptions } from './types';
import { useViewerKeyedDedup } from './useViewerKeyedDedup';

/**
 * The only place that knows which federation engine runs: Hive Gateway's
 * runtime (HTTP, GraphQL-over-HTTP, plugins) with the Rust query planner from
 * Hive Router (`unifiedGraphHandler`), which measured about 4x the throughput
 * of the JS planners on this machine. Swapping engines means rewriting this
 * file and the plugin adapters, nothing else.
 */
export function createEngine(options: EngineOptions): Engine {
  // First in the list, so its fetch wrapper is the innermost: the one that makes the HTTP call.
  const plugins = [useViewerKeyedDedup({ timeoutMs: options.upstreamTimeoutMs, share: options.dedupSubgraphRequests === true, ...(options.fetchViewerOf ? { viewerOf: options.fetchViewerOf } : {}) }), ...options.plugins];
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

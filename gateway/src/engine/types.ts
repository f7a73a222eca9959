// The engine's and its plugins' types, in one module that imports no implementation: plugins,
// the engine and the gateway's factory all depend on it, and it on none of them.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DocumentNode } from 'graphql';
import type { GatewayPlugin, getGraphQLWSOptions } from '@graphql-hive/gateway-runtime';
import type { Logger, Viewer } from '@profile-graph/core';

/** A plugin of the engine's pipeline (Hive Gateway's plugin interface). */
export type EnginePlugin = GatewayPlugin;

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
  /** The viewer each subgraph fetch is signed for, which the de-duplication keys by (createFetchViewerOf). */
  fetchViewerOf?: (executionRequest: { context?: unknown; document?: DocumentNode; operationName?: string }) => Viewer;
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

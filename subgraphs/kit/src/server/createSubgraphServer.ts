import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { readRequestOrigin } from '../consent/requestOrigin';
import { acceptRequestId, AppError, createMaskError, errorRegistry, extractTraceContext, runInRequestScope, SpanKind, VIEWER_HEADER, type ViewerVerifier, withSpan } from '@profile-graph/core';
import type { ServiceMetrics } from '../observability/serviceMetrics';
import { Loaders } from '../loaders/createLoaders';
import { readBody } from './readBody';
import { sendError, sendJson } from './sendJson';
import type { SubgraphContext } from './subgraphContext';

export interface SubgraphServerOptions<S> {
  name: string;
  schema: GraphQLSchema;
  logger: Logger;
  verifyViewer: ViewerVerifier;
  services: S;
  /** Named dependency checks for /ready; all must be true. */
  readiness: () => Record<string, boolean>;
  introspection: boolean;
  maxBodyBytes?: number;
  /** Served at /metrics and fed with request counts, latencies and error codes. */
  metrics?: ServiceMetrics;
  /**
   * While false, GraphQL requests are refused at once with 503
   * SERVICE_UNAVAILABLE instead of each waiting for the driver's server
   * selection timeout (the gateway then reports this subgraph as unavailable).
   */
  isDatabaseReady?: () => boolean;
  /** The erasure tombstone check: an erased user's mutations are refused while their token is still valid. */
  isErased?: (userId: string) => Promise<boolean>;
}

/** Driver errors that mean "the database cannot be reached", not "the query is wrong". */
const DATABASE_UNREACHABLE = /^(Mongo(ose)?ServerSelectionError|MongoNetworkError|MongoNetworkTimeoutError|MongoNotConnectedError|MongoTopologyClosedError|MongoPoolClearedError)$/;

export function isDatabaseUnreachable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 4; depth += 1) {
    if (current instanceof Error && DATABASE_UNREACHABLE.test(current.name)) return true;
    current = (current as { originalError?: unknown; cause?: unknown }).originalError ?? (current as { cause?: unknown }).cause;
  }
  return false;
}

export interface RunningServer {
  url: string;
  port: number;
}

export interface SubgraphServer {
  listen(port: number, host?: string): Promise<RunningServer>;
  /** Stops accepting requests, waits for those in flight, then stops Apollo. */
  close(): Promise<void>;
  readonly http: Server;
}

/**
 * HTTP front of a subgraph: /graphql (viewer verified before anything runs),
 * /health (the process is alive) and /ready (its database and NATS are
 * connected). Plain node:http keeps the request path short and free of
 * framework defaults we would have to turn off.
 */
export async function createSubgraphServer<S>(options: SubgraphServerOptions<S>): Promise<SubgraphServer> {
  const { logger, metrics } = options;
  const mask = createMaskError(logger);
  const apollo = new ApolloServer<SubgraphContext<S>>({
    schema: options.schema,
    formatError: (formatted: GraphQLFormattedError, error: unknown) =>
      isDatabaseUnreachable(error)
        ? { message: `${options.name}: ${errorRegistry.SERVICE_UNAVAILABLE.message}`, ...(formatted.path ? { path: formatted.path } : {}), extensions: { code: 'SERVICE_UNAVAILABLE', service: options.name } }
        : mask(formatted, error),
    includeStacktraceInErrorResponses: false,
    introspection: options.introspection,
    csrfPrevention: true,
    // Inline traces would send resolver timings to any caller that asks; we report metrics ourselves.
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      {
        async requestDidStart() {
          return {
            async didResolveOperation({ operation, contextValue }) {
              const { viewer } = contextValue;
              // Sessions are revoked at erasure, but an access token lives on until it expires: without this an
              // upserting mutation (a profile, a consent) would recreate the erased user's data.
              if (operation?.operation === 'mutation' && viewer.kind === 'user' && viewer.userId && (await options.isErased?.(viewer.userId))) {
                throw new AppError('UNAUTHENTICATED', 'This account has been erased; its sessions are no longer valid.');
              }
            },
            async willSendResponse({ response }) {
              if (response.body.kind === 'single') options.metrics?.countErrors(response.body.singleResult.errors);
            },
          };
        },
      },
    ],
  });
  await apollo.start();
  const maxBodyBytes = options.maxBodyBytes ?? 1_000_000;

  async function handleGraphQL(req: IncomingMessage, res: ServerResponse, url: URL, requestId: string): Promise<void> {
    if (options.isDatabaseReady && !options.isDatabaseReady()) {
      throw new AppError('SERVICE_UNAVAILABLE', `The ${options.name} subgraph cannot reach its database; retry shortly.`);
    }
    const viewer = await options.verifyViewer(headerValue(req, VIEWER_HEADER));
    const raw = req.method === 'POST' ? await readBody(req, maxBodyBytes) : '';
    let body: unknown = undefined;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        throw new AppError('BAD_REQUEST', 'The request body is not valid JSON.');
      }
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    // The logger's mixin adds requestId and traceId from the request scope; a child binding would repeat them.
    const log = logger;
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
      context: async () => ({ viewer, loaders: new Loaders(), log, requestId, services: options.services, origin: readRequestOrigin(viewer) }),
    });
    const responseHeaders: Record<string, string> = { 'x-request-id': requestId };
    for (const [key, value] of result.headers) responseHeaders[key] = value;
    res.writeHead(result.status ?? 200, responseHeaders);
    if (result.body.kind === 'complete') {
      res.end(result.body.string);
    } else {
      for await (const chunk of result.body.asyncIterator) res.write(chunk);
      res.end();
    }
  }

  const http = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://subgraph.local');
    if (url.pathname === '/health') return sendJson(res, 200, { status: 'ok', subgraph: options.name });
    if (url.pathname === '/ready') {
      const checks = options.readiness();
      const ready = Object.values(checks).every(Boolean);
      return sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', checks });
    }
    if (url.pathname === '/metrics' && metrics) {
      metrics.render().then(
        ({ contentType, body }) => {
          res.writeHead(200, { 'content-type': contentType });
          res.end(body);
        },
        () => sendJson(res, 500, { error: 'metrics unavailable' }),
      );
      return;
    }
    if (url.pathname !== '/graphql') return sendJson(res, 404, { error: 'not found' });
    const requestId = acceptRequestId(req.headers['x-request-id']);
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      metrics?.httpRequests.inc({ route: '/graphql', status: String(res.statusCode) });
      metrics?.httpDuration.observe({ route: '/graphql' }, Number(process.hrtime.bigint() - started) / 1e9);
    });
    void runInRequestScope({ requestId }, () =>
      withSpan(options.name, `POST /graphql ${options.name}`, { kind: SpanKind.SERVER, parent: extractTraceContext(req.headers) }, () =>
        handleGraphQL(req, res, url, requestId).catch((error: unknown) => {
          if (res.headersSent) return void res.destroy();
          if (error instanceof AppError) {
            metrics?.graphqlErrors.inc({ code: error.code });
            if (error.code !== 'SERVICE_UNAVAILABLE') return sendError(res, error.code, error.message, { 'x-request-id': requestId });
            // Named, so the gateway can tell the client which part of the graph is missing.
            return sendJson(res, 503, { errors: [{ message: error.message, extensions: { code: error.code, service: options.name } }] }, { 'x-request-id': requestId });
          }
          logger.error({ err: error }, 'request failed');
          metrics?.graphqlErrors.inc({ code: 'INTERNAL_SERVER_ERROR' });
          sendError(res, 'INTERNAL_SERVER_ERROR');
        }),
      ),
    );
  });
  http.keepAliveTimeout = 65_000;

  return {
    http,
    listen: (port, host = '127.0.0.1') =>
      new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(port, host, () => {
          const address = http.address() as AddressInfo;
          resolve({ port: address.port, url: `http://${host}:${address.port}/graphql` });
        });
      }),
    close: async () => {
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeIdleConnections();
      });
      await apollo.stop();
    },
  };
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

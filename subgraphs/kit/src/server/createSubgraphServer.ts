import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { readRequestOrigin } from '../consent/requestOrigin';
import { AppError } from '../errors/appError';
import { createMaskError } from '../errors/maskError';
import { Loaders } from '../loaders/createLoaders';
import { VIEWER_HEADER } from '../viewer/viewer';
import type { ViewerVerifier } from '../viewer/verifyViewer';
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
  const { logger } = options;
  const apollo = new ApolloServer<SubgraphContext<S>>({
    schema: options.schema,
    formatError: createMaskError(logger),
    includeStacktraceInErrorResponses: false,
    introspection: options.introspection,
    csrfPrevention: true,
    // Inline traces would send resolver timings to any caller that asks; we report metrics ourselves.
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  await apollo.start();
  const maxBodyBytes = options.maxBodyBytes ?? 1_000_000;

  async function handleGraphQL(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const requestId = String(req.headers['x-request-id'] ?? randomUUID());
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
    const log = logger.child({ requestId });
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
      context: async () => ({ viewer, loaders: new Loaders(), log, requestId, services: options.services, origin: readRequestOrigin(viewer) }),
    });
    const responseHeaders: Record<string, string> = {};
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
    if (url.pathname !== '/graphql') return sendJson(res, 404, { error: 'not found' });
    handleGraphQL(req, res, url).catch((error: unknown) => {
      if (res.headersSent) return res.destroy();
      if (error instanceof AppError) return sendError(res, error.code, error.message);
      logger.error({ err: error }, 'request failed');
      sendError(res, 'INTERNAL_SERVER_ERROR');
    });
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

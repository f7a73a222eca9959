import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { GraphQLError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { AppError, type Logger, type Viewer } from '@profile-graph/core';
import type { Engine } from '../engine/types';
import { clientIp } from '../auth/clientIp';
import { clientOrigin } from '../auth/clientOrigin';
import type { RateLimiter } from '../limits/tokenBucketLimiter';
import { rateLimitKey } from '../limits/rateLimitKey';
import { CREDENTIAL_HEADERS } from './liveSubscriptions';

export interface WebSocketOptions {
  server: Server;
  path: string;
  engine: Engine;
  authenticate(headers: Headers): Promise<Viewer>;
  /** Where the request path keeps each request's viewer (useAuthentication reads it when the context is built). */
  viewers: WeakMap<Request, Viewer>;
  corsOrigins: string[];
  maxConnectionsPerViewer: number;
  keepAliveMs: number;
  maxPayloadBytes: number;
  trustProxyHops: number;
  limiter?: RateLimiter;
  logger: Logger;
}

export interface GatewayWebSockets {
  /** Re-checks every connection's credential (a revocation was announced); refused ones are closed after their subscriptions' last frames. */
  recheckAll(): Promise<void>;
  /** Closes every connection with 1001 (going away), after the subscriptions' last frames went out. */
  close(): Promise<void>;
}

/** What graphql-ws hands our callbacks (its Context with the ws Extra). */
interface WsContext {
  connectionParams?: unknown;
  extra: { socket: WebSocket; request: IncomingMessage };
}

interface Connection {
  credentials: Record<string, string>;
  viewer: Viewer;
  viewerKey: string;
}

/** graphql-ws close codes a client acts on (the library's CloseCode values and our own). */
const CLOSE = { unauthorized: 4401, forbidden: 4403, tooMany: 4429, goingAway: 1001 } as const;
/** Time for a subscription's last frames to be written before its socket is closed. */
const FLUSH_MS = 100;

/** Credentials from `connectionParams`, the WebSocket's stand-in for headers: `{ "authorization": "Bearer ..." }` or `{ "x-api-key": "..." }`. */
function credentialsOf(params: unknown): Record<string, string> | string {
  if (params === undefined || params === null) return {};
  if (typeof params !== 'object' || Array.isArray(params)) return 'connectionParams must be an object such as { "authorization": "Bearer <access token>" }.';
  const credentials: Record<string, string> = {};
  // Some clients (Sandbox, Apollo's links) nest them as `{ headers: { Authorization: ... } }`.
  const nested = (params as { headers?: unknown }).headers;
  const source = nested && typeof nested === 'object' && !Array.isArray(nested) ? { ...(nested as Record<string, unknown>), ...(params as Record<string, unknown>) } : (params as Record<string, unknown>);
  for (const [key, value] of Object.entries(source)) {
    const header = key.toLowerCase();
    if (!(CREDENTIAL_HEADERS as readonly string[]).includes(header)) continue;
    if (typeof value !== 'string') return `connectionParams.${key} must be a string.`;
    credentials[header] = value;
  }
  return credentials;
}

/** Browsers send Origin on a WebSocket upgrade and skip CORS, so the CORS rule is applied here: same origin, or a listed one. */
function originAllowed(req: IncomingMessage, allowed: string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (allowed.includes('*') || allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  socket.end(`HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : 'Not Found'}\r\ncontent-type: text/plain\r\nconnection: close\r\ncontent-length: ${Buffer.byteLength(message)}\r\n\r\n${message}`);
}

/**
 * GraphQL over WebSocket (graphql-transport-ws, the graphql-ws library) on the
 * same path as HTTP. Every operation runs through the engine's pipeline, so
 * parsing, operation limits, authorization and subscriptions are those of
 * SSE and HTTP; authentication, which the HTTP path does per request, is done
 * here at connection_init and again for every operation.
 */
export function attachWebSocket(options: WebSocketOptions): GatewayWebSockets {
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes });
  const connections = new Map<WebSocket, Connection>();
  const perViewer = new Map<string, number>();

  options.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if ((req.url ?? '/').split('?', 1)[0] !== options.path) return refuseUpgrade(socket, 404, 'WebSocket connections are served on the GraphQL endpoint only.');
    if (!originAllowed(req, options.corsOrigins)) return refuseUpgrade(socket, 403, 'This origin may not open a WebSocket to this gateway (CORS_ORIGINS).');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  const release = (socket: WebSocket) => {
    const connection = connections.get(socket);
    if (!connection) return;
    connections.delete(socket);
    const left = (perViewer.get(connection.viewerKey) ?? 1) - 1;
    if (left > 0) perViewer.set(connection.viewerKey, left);
    else perViewer.delete(connection.viewerKey);
  };

  const authenticateConnection = async (credentials: Record<string, string>, req: IncomingMessage): Promise<Viewer> => {
    const viewer = await options.authenticate(new Headers(credentials));
    const ip = clientIp(req, (req.headers['x-forwarded-for'] as string | undefined) ?? null, options.trustProxyHops);
    return { ...viewer, ...clientOrigin(new Headers(req.headers as Record<string, string>)), ...(ip ? { clientIp: ip } : {}) };
  };

  const engineOptions = options.engine.graphqlWsOptions((raw) => {
    const ctx = raw as unknown as WsContext;
    const connection = connections.get(ctx.extra.socket)!;
    // A Request of our own carries the connection's credentials to the pipeline, as an HTTP request's headers would.
    const request = new Request(`http://gateway${options.path}`, { method: 'POST', headers: connection.credentials });
    options.viewers.set(request, connection.viewer);
    return { request, req: ctx.extra.request };
  });

  useServer(
    {
      ...engineOptions,
      onConnect: async (ctx: WsContext) => {
        const socket = ctx.extra.socket;
        const credentials = credentialsOf(ctx.connectionParams);
        if (typeof credentials === 'string') {
          socket.close(CLOSE.unauthorized, credentials.slice(0, 120));
          return false;
        }
        let viewer: Viewer;
        try {
          viewer = await authenticateConnection(credentials, ctx.extra.request);
        } catch (error) {
          options.logger.info({ err: error instanceof Error ? error.message : String(error) }, 'websocket rejected: authentication failed');
          socket.close(CLOSE.unauthorized, 'Unauthorized: send a valid credential in connectionParams');
          return false;
        }
        const viewerKey = rateLimitKey(viewer);
        if ((perViewer.get(viewerKey) ?? 0) >= options.maxConnectionsPerViewer) {
          socket.close(CLOSE.tooMany, `At most ${options.maxConnectionsPerViewer} WebSocket connections per viewer`);
          return false;
        }
        connections.set(socket, { credentials, viewer, viewerKey });
        perViewer.set(viewerKey, (perViewer.get(viewerKey) ?? 0) + 1);
        socket.once('close', () => release(socket));
        return true;
      },
      onSubscribe: async (ctx: WsContext, id: string, payload: unknown) => {
        const socket = ctx.extra.socket;
        const connection = connections.get(socket);
        if (!connection) return [new GraphQLError('Not connected.', { extensions: { code: 'UNAUTHENTICATED' } })];
        // Every operation is authenticated at that moment, as each HTTP request is.
        try {
          connection.viewer = await authenticateConnection(connection.credentials, ctx.extra.request);
        } catch (error) {
          const appError = error instanceof AppError ? error : new AppError('UNAUTHENTICATED', 'Your credential is no longer valid; reconnect with a new one.');
          setTimeout(() => socket.close(CLOSE.unauthorized, 'Unauthorized'), FLUSH_MS).unref();
          return [new GraphQLError(appError.message, { extensions: { code: appError.code } })];
        }
        const taken = await options.limiter?.take(rateLimitKey(connection.viewer));
        if (taken && !taken.allowed) {
          return [new GraphQLError(`Too many requests; retry in ${taken.retryAfterSeconds} s.`, { extensions: { code: 'RATE_LIMITED', retryAfterSeconds: taken.retryAfterSeconds } })];
        }
        return engineOptions.onSubscribe!(ctx as never, id as never, payload as never);
      },
    } as never,
    wss,
    options.keepAliveMs,
  );

  return {
    async recheckAll() {
      await Promise.all(
        [...connections].map(async ([socket, connection]) => {
          try {
            await options.authenticate(new Headers(connection.credentials));
          } catch {
            setTimeout(() => socket.close(CLOSE.unauthorized, 'Unauthorized: the credential was revoked'), FLUSH_MS).unref();
          }
        }),
      );
    },
    async close() {
      await new Promise((resolve) => setTimeout(resolve, connections.size ? FLUSH_MS : 0));
      const closed = [...wss.clients].map((socket) => new Promise((resolve) => {
        socket.once('close', resolve);
        socket.close(CLOSE.goingAway, 'The gateway is shutting down');
      }));
      await Promise.race([Promise.all(closed), new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
      for (const socket of wss.clients) socket.terminate();
      wss.close();
    },
  };
}
